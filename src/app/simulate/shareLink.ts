/**
 * The explanation under test, in the neuron page's URL (the hash's search params), so the page's
 * address is the share link:
 *
 *   test=<explanation>              score this explanation on the neuron's records
 *   test=<e1>&test=<e2>...          ...and the rounds before it, oldest first ("improve")
 *   scorers=simulation,fuzzing      with these scorers (absent: all three)
 *   text=<t1>&text=<t2>             simulate the (last) explanation on these texts instead (no score)
 *
 * Opening such a link runs the same scoring (the server answers from its cache when it can).
 */
import { neuronPath, type NeuronAddress } from '../../core/address/address.ts';
import { SCORER_NAMES, type ScorerName } from '../../core/scoring/basis.ts';

export const TEST_PARAM = 'test';
export const TEXT_PARAM = 'text';
export const SCORERS_PARAM = 'scorers';
/** Params that belong to one neuron and must not be carried to another. */
export const SHARE_PARAMS = [TEST_PARAM, TEXT_PARAM, SCORERS_PARAM] as const;

export interface SharedTest {
  /** The explanations tried, oldest first: the last is the one under test. */
  explanations: string[];
  /** Null: the neuron's records. */
  texts: string[] | null;
  /** Null: every scorer (the default). */
  scorers: ScorerName[] | null;
}

/** Scorer names from a list, in the canonical order; null for all of them (or none known). */
function canonicalScorers(names: readonly string[]): ScorerName[] | null {
  const known = SCORER_NAMES.filter((name) => names.includes(name));
  return known.length === 0 || known.length === SCORER_NAMES.length ? null : known;
}

export function readSharedTest(params: URLSearchParams): SharedTest | null {
  const explanations = params.getAll(TEST_PARAM);
  if (explanations.length === 0) return null;
  const texts = params.getAll(TEXT_PARAM);
  const scorers = params.get(SCORERS_PARAM);
  return {
    explanations,
    texts: texts.length > 0 ? texts : null,
    scorers: scorers === null ? null : canonicalScorers(scorers.split(',')),
  };
}

/** `params` with the test written in (or removed, for null); other params kept. */
export function writeSharedTest(params: URLSearchParams, test: SharedTest | null): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const name of SHARE_PARAMS) next.delete(name);
  if (test) {
    for (const explanation of test.explanations) next.append(TEST_PARAM, explanation);
    for (const text of test.texts ?? []) next.append(TEXT_PARAM, text);
    const scorers = test.scorers && canonicalScorers(test.scorers);
    if (scorers && !test.texts) next.set(SCORERS_PARAM, scorers.join(','));
  }
  return next;
}

/**
 * The absolute link to the neuron with the test and nothing else, naming the dataset (so the link
 * still means the same neuron if the server's default dataset changes).
 */
export function shareUrl(
  page: { origin: string; pathname: string },
  dataset: string,
  address: NeuronAddress,
  test: SharedTest,
): string {
  const params = writeSharedTest(new URLSearchParams(), test);
  return `${page.origin}${page.pathname}#${neuronPath(dataset, address, params)}`;
}
