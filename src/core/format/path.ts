/**
 * The per-neuron paths of the published layout, read back from text. Only the five published
 * shapes are accepted, with canonical non-negative integers (no sign, no leading zeros), so a path
 * that passes can be joined to a folder or a base URL without escaping it.
 */
import { NEURON_FILE_KINDS, type NeuronFileKind } from './types.ts';

export interface NeuronFilePath {
  kind: NeuronFileKind;
  layer: number;
  neuron: number;
}

const PATH =
  /^(explanations|collated-activations|related-tokens\/activation-based|related-tokens\/weight-based|related-neurons\/weight-based)\/(0|[1-9]\d{0,5})\/(0|[1-9]\d{0,7})\.(jsonl|json)$/;

/** The kind, layer and neuron of a relative path such as "explanations/3/141.jsonl", else null. */
export function parseNeuronFilePath(path: string): NeuronFilePath | null {
  const match = PATH.exec(path);
  if (!match) return null;
  const kind = match[1] as NeuronFileKind;
  const extension = match[4];
  if ((kind === 'explanations') !== (extension === 'jsonl')) return null;
  if (!NEURON_FILE_KINDS.includes(kind)) return null;
  return { kind, layer: Number(match[2]), neuron: Number(match[3]) };
}
