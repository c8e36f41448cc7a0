/**
 * The offline baseline: a simulator that reads an explanation's words (quoted strings, key words,
 * kinds of token it names, context and position phrases) and rates GPT-2 tokens by them, and an
 * explainer that names what a neuron's top tokens share. Deterministic, no network, no records
 * seen by the simulator: a floor that any language model should beat.
 */
import type { ActivationRecord, SequenceSimulation } from '../format/types.ts';
import { normalizeActivations } from './explanation-prompt.ts';
import { CATEGORIES, type Category, type TokenView } from './lexicons.ts';
import type { Explainer, Simulator } from './types.ts';

export const BASELINE_MODEL = 'baseline';

const viewsOf = new WeakMap<readonly string[], readonly TokenView[]>();

/**
 * Each token with the whole word it belongs to, so that " Sept" + "ember" reads as "september".
 * Cached per tokens array (records are simulated again for every explanation).
 */
export function tokenViews(tokens: readonly string[]): readonly TokenView[] {
  let views = viewsOf.get(tokens);
  if (!views) {
    views = computeTokenViews(tokens);
    viewsOf.set(tokens, views);
  }
  return views;
}

function computeTokenViews(tokens: readonly string[]): TokenView[] {
  const views: TokenView[] = tokens.map((token) => ({
    token,
    text: token.trim(),
    word: '',
    spelled: '',
  }));
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const continues =
      i > 0 && i < tokens.length && /^\p{L}/u.test(tokens[i]!) && /\p{L}$/u.test(tokens[i - 1]!);
    if (continues) continue;
    if (i > start) {
      const spelled = tokens.slice(start, i).join('').trim();
      const word = spelled.toLowerCase();
      for (let j = start; j < i; j++) {
        views[j]!.word = word;
        views[j]!.spelled = spelled;
      }
    }
    start = i;
  }
  return views;
}

/** A light stemmer: enough to match "storms" with "storm" and "raining" with "rain". */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/['\u2019]s$/, '');
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(sses|xes|ches|shes|zes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 4) w = w.slice(0, -2);
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  return w;
}

// Words of an explanation that name no particular token.
const STOPWORDS = new Set(
  `a an the and or of in on at to for from by with as is are be that this these those it its
  which who what when where how than then into onto about like such including include includes
  especially particularly mainly mostly often usually typically generally specifically also other
  others some any all each every certain various different many more most very just only main
  thing things neuron neurons find finds finding does do activate activates activation fire
  fires firing respond responds token tokens word words term terms phrase phrases name names
  reference references referring mention mentions mentioned related relating relation context
  contexts text texts instance instances use uses used usage part parts type types kind kinds
  sort sorts concept concepts specific associated involving pertaining similar pattern patterns
  sequence sequences language e g eg etc i.e ie something anything content appear appears
  appearing occurrence occurrences presence right immediately directly`
    .trim()
    .split(/\s+/),
);

const ARTICLES = new Set(['the', 'a', 'an']);
const QUOTED = /"([^"]+)"|\u201c([^\u201d]+)\u201d|(?<![\p{L}])'([^']+)'(?![\p{L}])/gu;
const CONTEXT =
  /\b(after|following|preceded by|before|preceding|followed by)\s+(?:(?:the|a)\s+(?:words?|tokens?)\s+)?(?:"([^"]+)"|\u201c([^\u201d]+)\u201d|'([^']+)'|([\p{L}]+))/giu;
const TEXT_START =
  /\b(?:start|beginning|opening)\b[^.]*?\b(?:text|document|sequence|context|passage|excerpt|input|record)\b|\bfirst (?:few )?(?:tokens?|words?|positions?)\b|\bearly positions?\b/;
const SENTENCE_START = /\b(?:start|beginning)s? of (?:a |the |each |new )?sentences?\b/;

interface ContextRule {
  /** Rate the token after ("after") or before ("before") the trigger. */
  direction: 'after' | 'before';
  trigger: string;
}

interface CompiledExplanation {
  literals: Set<string>;
  keywords: Set<string>;
  categories: Category[];
  context: ContextRule[];
  textStart: boolean;
  sentenceStart: boolean;
}

/** What the baseline reads in an explanation; exported to show (and test) how it understood it. */
export function compileExplanation(explanation: string): CompiledExplanation {
  const lower = explanation.toLowerCase();
  const context: ContextRule[] = [];
  const triggers = new Set<string>();
  for (const match of lower.matchAll(CONTEXT)) {
    const trigger = (match[2] ?? match[3] ?? match[4] ?? match[5] ?? '').trim();
    if (trigger === '') continue;
    if (match[5] !== undefined && STOPWORDS.has(trigger)) {
      // "words after the" names the word "the"; in "followed by a noun", "a" starts a phrase.
      const rest = lower.slice(match.index + match[0].length);
      if (!ARTICLES.has(trigger) || !/^\s*(?:$|[,.;:)])/.test(rest)) continue;
    }
    const direction = /^(after|following|preceded by)$/.test(match[1]!) ? 'after' : 'before';
    context.push({ direction, trigger });
    triggers.add(trigger);
  }
  const literals = new Set<string>();
  for (const match of lower.matchAll(QUOTED)) {
    const literal = (match[1] ?? match[2] ?? match[3] ?? '').trim();
    if (literal !== '' && !triggers.has(literal)) literals.add(literal);
  }
  const categories = CATEGORIES.filter((category) => category.cue.test(lower));
  // Key words are what is left once the phrases read as rules are taken out.
  let rest = lower.replace(QUOTED, ' ').replace(CONTEXT, ' ');
  for (const rule of [TEXT_START, SENTENCE_START, ...categories.map((c) => c.cue)]) {
    rest = rest.replace(new RegExp(rule.source, `${rule.flags.replace('g', '')}g`), ' ');
  }
  const keywords = new Set<string>();
  for (const match of rest.matchAll(/\p{L}[\p{L}'-]*/gu)) {
    const word = match[0].replace(/['-]+$/, '');
    if (word.length > 2 && !STOPWORDS.has(word)) keywords.add(stem(word));
  }
  return {
    literals,
    keywords,
    categories,
    context,
    textStart: TEXT_START.test(lower),
    sentenceStart: SENTENCE_START.test(lower),
  };
}

// How strongly each kind of evidence rates a token, on the 0..10 scale.
const LITERAL = 10;
const CONTEXT_MATCH = 10;
const CATEGORY = 9;
const KEYWORD = 8;
const KEYWORD_PREFIX = 4;

function rate(rules: CompiledExplanation, views: readonly TokenView[], i: number): number {
  const view = views[i]!;
  let value = 0;
  const text = view.text.toLowerCase();
  if (rules.literals.has(text) || (view.word !== text && rules.literals.has(view.word))) {
    value = LITERAL;
  }
  for (const rule of rules.context) {
    const neighbour = views[rule.direction === 'after' ? i - 1 : i + 1];
    if (neighbour && neighbour.text.toLowerCase() === rule.trigger && view.text !== '') {
      value = Math.max(value, CONTEXT_MATCH);
    }
  }
  if (value < CATEGORY && rules.categories.some((category) => category.matches(view))) {
    value = CATEGORY;
  }
  if (value < KEYWORD && /\p{L}/u.test(view.word) && rules.keywords.size > 0) {
    const stemmed = stem(view.word);
    if (rules.keywords.has(stemmed)) value = KEYWORD;
    else if (stemmed.length >= 5) {
      for (const keyword of rules.keywords) {
        if (keyword.length >= 5 && (keyword.startsWith(stemmed) || stemmed.startsWith(keyword))) {
          value = Math.max(value, KEYWORD_PREFIX);
          break;
        }
      }
    }
  }
  if (rules.textStart) value = Math.max(value, 10 * Math.exp(-i / 3));
  if (rules.sentenceStart && view.text !== '') {
    const previous = views[i - 1];
    if (!previous || /[.!?]$/.test(previous.text) || previous.token.includes('\n')) {
      value = Math.max(value, CATEGORY);
    }
  }
  return Math.round(value * 1000) / 1000;
}

const compiled = new Map<string, CompiledExplanation>();

/** The baseline's simulation of one record: 0..10 per token, from the explanation's words alone. */
export function baselineSimulate(
  explanation: string,
  tokens: readonly string[],
): SequenceSimulation {
  let rules = compiled.get(explanation);
  if (!rules) {
    if (compiled.size > 500) compiled.clear();
    rules = compileExplanation(explanation);
    compiled.set(explanation, rules);
  }
  const views = tokenViews(tokens);
  return {
    tokens: [...tokens],
    expected_activations: views.map((_, i) => rate(rules, views, i)),
    activation_scale: 'simulated_normalized_activations',
    distribution_values: [],
    distribution_probabilities: [],
    uncalibrated_simulation: null,
  };
}

export const baselineSimulator: Simulator = {
  id: 'baseline',
  model: BASELINE_MODEL,
  async simulateRecord(explanation, tokens, options) {
    options?.signal?.throwIfAborted();
    return baselineSimulate(explanation, tokens);
  },
};

interface Hit {
  view: TokenView;
  previous: string | null;
  position: number;
  weight: number;
}

/** Hits covered by a test, as a share of all hits' weight. */
function coverage(hits: readonly Hit[], test: (hit: Hit) => boolean): number {
  let covered = 0;
  let total = 0;
  for (const hit of hits) {
    total += hit.weight;
    if (test(hit)) covered += hit.weight;
  }
  return total > 0 ? covered / total : 0;
}

/**
 * The most weighty distinct words among the hits, as written: the whole word when GPT-2 split it
 * ("lemons", not "mons"), else the token. Whitespace tokens give none.
 */
function examples(hits: readonly Hit[], count: number): string[] {
  const weights = new Map<string, number>();
  for (const hit of hits) {
    const shown = /\p{L}/u.test(hit.view.spelled) ? hit.view.spelled : hit.view.text;
    if (shown === '') continue;
    weights.set(shown, (weights.get(shown) ?? 0) + hit.weight);
  }
  return [...weights.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([text]) => text);
}

function quoteList(texts: readonly string[]): string {
  const quoted = texts.map((t) => JSON.stringify(t));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

// A hit is a token at 5 or more on the 0..10 scale: clearly above the neuron's resting level.
const HIT_LEVEL = 5;
const COVERS = 0.6;
/** How much less a more specific category may cover and still be preferred. */
const NEARLY = 0.15;

/**
 * The baseline explainer's explanation of top-activating records: the kind of token the top
 * tokens share (in words the baseline simulator reads), else the token before them or their
 * position, else the top tokens themselves.
 */
export function baselineExplain(records: readonly ActivationRecord[]): string {
  const normalized = normalizeActivations(records);
  const hits: Hit[] = [];
  records.forEach((record, r) => {
    const views = tokenViews(record.tokens);
    views.forEach((view, i) => {
      const level = normalized[r]![i]!;
      if (level >= HIT_LEVEL) {
        hits.push({
          view,
          previous: i > 0 ? views[i - 1]!.text.toLowerCase() : null,
          position: i,
          weight: level,
        });
      }
    });
  });
  if (hits.length === 0) return ' nothing in particular (the neuron never fires in these records)';

  // Categories run from specific to broad: take the first that covers nearly as much as any.
  const shares = CATEGORIES.map((category) => coverage(hits, (hit) => category.matches(hit.view)));
  const widest = Math.max(...shares);
  const chosen = shares.findIndex((share) => share >= widest - NEARLY);
  const best = { category: CATEGORIES[chosen]!, share: shares[chosen]! };
  const distinct = new Set(hits.map((hit) => hit.view.word)).size;
  const previousCounts = new Map<string, number>();
  for (const hit of hits) {
    if (hit.previous !== null && hit.previous !== '') {
      previousCounts.set(hit.previous, (previousCounts.get(hit.previous) ?? 0) + hit.weight);
    }
  }
  const [commonPrevious] = [...previousCounts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  const contextShare = commonPrevious
    ? coverage(hits, (hit) => hit.previous === commonPrevious[0])
    : 0;
  const startShare = coverage(hits, (hit) => hit.position <= 3);

  const categoryShare = widest;
  if (startShare >= COVERS && startShare > categoryShare && distinct >= 3) {
    return ' the first few tokens at the start of the text';
  }
  if (commonPrevious && contextShare >= COVERS && contextShare > categoryShare && distinct >= 3) {
    return ` words right after ${JSON.stringify(commonPrevious[0])}`;
  }
  if (best.share >= COVERS) {
    const shown = examples(
      hits.filter((hit) => best.category.matches(hit.view)),
      3,
    );
    return shown.length > 0
      ? ` ${best.category.phrase} (like ${quoteList(shown)})`
      : ` ${best.category.phrase}`;
  }
  if (best.share >= 0.3) {
    // Two kinds together: a polysemantic neuron, or one kind with stray tokens.
    const rest = hits.filter((hit) => !best.category.matches(hit.view));
    let second: { category: Category; share: number } | null = null;
    for (const category of CATEGORIES) {
      if (category === best.category) continue;
      const share = coverage(rest, (hit) => category.matches(hit.view));
      if (!second || share > second.share) second = { category, share };
    }
    if (second && second.share >= COVERS) {
      return ` ${best.category.phrase} and ${second.category.phrase}`;
    }
  }
  return ` the tokens ${quoteList(examples(hits, 4))}`;
}

export const baselineExplainer: Explainer = {
  id: 'baseline',
  model: BASELINE_MODEL,
  async explain(records, options) {
    options?.signal?.throwIfAborted();
    return baselineExplain(records);
  },
};
