/**
 * The explanation under test, in the neuron page's URL (the hash's search params), so the page's
 * address is the share link:
 *
 *   test=<explanation>     simulate and score this explanation on the neuron's held-out records
 *   text=<t1>&text=<t2>    ...on these texts of the user's own instead (no score)
 *
 * Opening such a link runs the simulation (the server answers from its cache when it can).
 */
import { neuronPath, type NeuronAddress } from '../../core/address/address.ts';

export const TEST_PARAM = 'test';
export const TEXT_PARAM = 'text';
/** Params that belong to one neuron and must not be carried to another. */
export const SHARE_PARAMS = [TEST_PARAM, TEXT_PARAM] as const;

export interface SharedTest {
  explanation: string;
  /** Null: the neuron's records. */
  texts: string[] | null;
}

export function readSharedTest(params: URLSearchParams): SharedTest | null {
  const explanation = params.get(TEST_PARAM);
  if (explanation === null) return null;
  const texts = params.getAll(TEXT_PARAM);
  return { explanation, texts: texts.length > 0 ? texts : null };
}

/** `params` with the test written in (or removed, for null); other params kept. */
export function writeSharedTest(
  params: URLSearchParams,
  test: { explanation: string; texts?: readonly string[] | null | undefined } | null,
): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(TEST_PARAM);
  next.delete(TEXT_PARAM);
  if (test) {
    next.set(TEST_PARAM, test.explanation);
    for (const text of test.texts ?? []) next.append(TEXT_PARAM, text);
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
