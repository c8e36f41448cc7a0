/**
 * The neuron page's questions to the browse engine, answered from the layer indexes the reader
 * workers load (each layer once per session, shared with the browse page): where the next
 * explained neuron or neuron with records is, and a random explained neuron. The neuron page
 * imports this module only once it has painted.
 */
import type { NeuronAddress } from '../../core/address/address.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { sharedSearchService } from './client.ts';
import { explainedNeurons, seekNeuron, type NeuronKind } from './lookup.ts';
import { layerStore } from './store.ts';

export type { NeuronKind };

/** Which way to look, and for what. */
export interface Seek {
  kind: NeuronKind;
  direction: 1 | -1;
}

/** Whether the manifest counts any neuron of the kind in the layer (else it is passed over). */
function mayHold(manifest: DatasetManifest, kind: NeuronKind) {
  return (layer: number) => {
    const summary = manifest.layers.find((entry) => entry.layer === layer);
    return (
      summary !== undefined && (kind === 'explained' ? summary.explained : summary.withRecords) > 0
    );
  };
}

/** The neuron a seek from `from` lands on (null: none that way), loading the layers it passes. */
export async function seek(
  manifest: DatasetManifest,
  from: NeuronAddress,
  { kind, direction }: Seek,
): Promise<NeuronAddress | null> {
  const store = layerStore(sharedSearchService(), manifest);
  for (;;) {
    const result = seekNeuron(store.table, from, direction, kind, mayHold(manifest, kind));
    if ('found' in result) return result.found;
    await store.loadLayer(result.needs);
  }
}

/**
 * Where each seek lands, as far as `from`'s own layer tells (loading only it): undefined for a
 * seek that would have to look into other layers.
 */
export async function nearbySeeks(
  manifest: DatasetManifest,
  from: NeuronAddress,
  seeks: Record<string, Seek>,
): Promise<Record<string, NeuronAddress | null | undefined>> {
  const store = layerStore(sharedSearchService(), manifest);
  await store.loadLayer(from.layer);
  const found: Record<string, NeuronAddress | null | undefined> = {};
  for (const [name, { kind, direction }] of Object.entries(seeks)) {
    const result = seekNeuron(store.table, from, direction, kind, mayHold(manifest, kind));
    found[name] = 'found' in result ? result.found : undefined;
  }
  return found;
}

/** An explained neuron of `layer` other than `not` (when there is another), at random. */
export async function randomExplained(
  manifest: DatasetManifest,
  layer: number,
  not: NeuronAddress,
): Promise<NeuronAddress> {
  const store = layerStore(sharedSearchService(), manifest);
  await store.loadLayer(layer);
  const explained = explainedNeurons(store.table, layer);
  const others = explained.filter((neuron) => layer !== not.layer || neuron !== not.neuron);
  const candidates = others.length > 0 ? others : explained;
  const neuron = candidates[Math.floor(Math.random() * candidates.length)];
  if (neuron === undefined) throw new Error(`layer ${layer}'s index lists no explained neuron`);
  return { layer, neuron };
}
