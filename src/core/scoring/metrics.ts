/**
 * Scores of a yes/no judgement against the truth, for detection and fuzzing: did the judge say an
 * example fits the explanation when (and only when) the example is one where the neuron fires?
 * The positive class is "fires". Each score is null where it is undefined (a class with no
 * examples, no positive prediction), never a made-up 0.
 */

/** One judged example: whether it truly fires, what the judge said, and how sure it was. */
export interface Judged {
  /** The truth: the neuron fires on this example (for fuzzing: the marks are the firing tokens). */
  positive: boolean;
  /** The judge's answer: the example fits the explanation. */
  predicted: boolean;
  /** The judge's probability of "fits", when its log-probabilities were given; else null. */
  probability: number | null;
}

export interface ConfusionCounts {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export function confusion(judged: readonly Judged[]): ConfusionCounts {
  const counts = { truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
  for (const { positive, predicted } of judged) {
    if (positive && predicted) counts.truePositives++;
    else if (positive) counts.falseNegatives++;
    else if (predicted) counts.falsePositives++;
    else counts.trueNegatives++;
  }
  return counts;
}

export interface ClassificationScores {
  accuracy: number | null;
  /** Mean of recall on firing examples and on the others; null unless both kinds are present. */
  balanced_accuracy: number | null;
  /** Of the examples said to fit, the share that fire; null when none was said to fit. */
  precision: number | null;
  /** Of the firing examples, the share said to fit; null when none fires. */
  recall: number | null;
  /** 2TP / (2TP + FP + FN): 0 when nothing firing was found; null when there is nothing to find. */
  f1: number | null;
  /** Area under the precision-recall curve (average precision) from the probabilities; null
   * without a probability for every example or without a firing one. */
  auprc: number | null;
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? null : numerator / denominator;

export function classificationScores(judged: readonly Judged[]): ClassificationScores {
  const c = confusion(judged);
  const positives = c.truePositives + c.falseNegatives;
  const negatives = c.trueNegatives + c.falsePositives;
  const recall = ratio(c.truePositives, positives);
  const specificity = ratio(c.trueNegatives, negatives);
  return {
    accuracy: ratio(c.truePositives + c.trueNegatives, judged.length),
    balanced_accuracy: recall === null || specificity === null ? null : (recall + specificity) / 2,
    precision: ratio(c.truePositives, c.truePositives + c.falsePositives),
    recall,
    f1:
      positives === 0
        ? null
        : (2 * c.truePositives) / (2 * c.truePositives + c.falsePositives + c.falseNegatives),
    auprc: averagePrecision(judged),
  };
}

/** Balanced accuracy alone: null unless both kinds are present. */
export function balancedAccuracy(judged: readonly Judged[]): number | null {
  const c = confusion(judged);
  const positives = c.truePositives + c.falseNegatives;
  const negatives = c.trueNegatives + c.falsePositives;
  if (positives === 0 || negatives === 0) return null;
  return (c.truePositives / positives + c.trueNegatives / negatives) / 2;
}

/**
 * Balanced accuracy as the bootstrap's statistic, without building anything per resample: the
 * resample's item indices hold `positives` draws of firing examples, then the quiet ones (the
 * order forEachResample draws strata in), and `correct[i]` says whether item i was judged right.
 */
export function resampledBalancedAccuracy(
  correct: readonly boolean[],
  positives: number,
): (indices: readonly number[]) => number | null {
  return (indices) => {
    const negatives = indices.length - positives;
    if (positives === 0 || negatives === 0) return null;
    let right = 0;
    for (let i = 0; i < positives; i++) if (correct[indices[i]!]) right++;
    let quietRight = 0;
    for (let i = positives; i < indices.length; i++) if (correct[indices[i]!]) quietRight++;
    return (right / positives + quietRight / negatives) / 2;
  };
}

/**
 * Average precision: the sum over distinct probability thresholds, from the highest, of precision
 * at the threshold times the recall it adds. Examples tied on a probability enter together, as
 * one threshold. Null when some example has no probability or none fires.
 */
export function averagePrecision(judged: readonly Judged[]): number | null {
  const positives = judged.filter((j) => j.positive).length;
  if (positives === 0 || judged.some((j) => j.probability === null)) return null;
  const sorted = [...judged].sort((a, b) => b.probability! - a.probability!);
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    truePositives += sorted[i]!.positive ? 1 : 0;
    seen++;
    const next = sorted[i + 1];
    if (next !== undefined && next.probability === sorted[i]!.probability) continue;
    const recall = truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
  }
  return sum;
}
