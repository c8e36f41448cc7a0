/**
 * The neuron page's questions to the browse engine, answered from the layer indexes the reader
 * workers load (each layer once per session, shared with the browse page): where the next
 * explained neuron or neuron with records is, and a random explained neuron. A layer whose index
 * cannot be read (damaged data: the store holds its error) is passed over, and the answer says
 * which layers were. The neuron page imports this module only once it has painted.
 */
import type { NeuronAddress } from '../../core/address/address.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { sharedSearchService } from './client.ts';
import { explainedNeurons, pickWeighted, seekNeuron, type NeuronKind } from './lookup.ts';
import { layerStore, type LayerFailure } from './store.ts';

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

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** Where a seek landed, and the layers it had to pass over unread. */
export interface SeekOutcome {
  /** Null: none that way (in the layers that could be read). */
  found: NeuronAddress | null;
  unreadable: LayerFailure[];
}

/** The neuron a seek from `from` lands on, loading the layers it passes. */
export async function seek(
  manifest: DatasetManifest,
  from: NeuronAddress,
  { kind, direction }: Seek,
): Promise<SeekOutcome> {
  const store = layerStore(sharedSearchService(), manifest);
  const unreadable: LayerFailure[] = [];
  const holds = mayHold(manifest, kind);
  const passable = (layer: number) =>
    holds(layer) && !unreadable.some((failure) => failure.layer === layer);
  for (;;) {
    const result = seekNeuron(store.table, from, direction, kind, passable);
    if ('found' in result) return { found: result.found, unreadable };
    try {
      await store.loadLayer(result.needs);
    } catch (error) {
      unreadable.push({ layer: result.needs, error: asError(error) });
    }
  }
}

/**
 * Where each seek lands, as far as `from`'s own layer tells (loading only it): undefined for a
 * seek that would have to look into other layers. Rejects when that layer cannot be read.
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

/**
 * An explained neuron other than `not` (when there is another), at random: a layer as likely as
 * the number of explained neurons the manifest counts in it, then a neuron of it. A layer whose
 * index cannot be read is left out and another drawn; rejects when none can be read.
 */
export async function randomExplained(
  manifest: DatasetManifest,
  not: NeuronAddress,
): Promise<NeuronAddress> {
  const store = layerStore(sharedSearchService(), manifest);
  let candidates = manifest.layers.filter((summary) => summary.explained > 0);
  const unreadable: LayerFailure[] = [];
  for (;;) {
    const summary = pickWeighted(candidates, (candidate) => candidate.explained);
    if (!summary) {
      const why = unreadable.map(({ layer, error }) => `layer ${layer}: ${error.message}`);
      throw new Error(
        why.length > 0 ? `no layer index could be read (${why.join('; ')})` : 'none is explained',
      );
    }
    const { layer } = summary;
    try {
      await store.loadLayer(layer);
    } catch (error) {
      unreadable.push({ layer, error: asError(error) });
      candidates = candidates.filter((candidate) => candidate !== summary);
      continue;
    }
    const explained = explainedNeurons(store.table, layer);
    const others = explained.filter((neuron) => layer !== not.layer || neuron !== not.neuron);
    const pool = others.length > 0 ? others : explained;
    const neuron = pool[Math.floor(Math.random() * pool.length)];
    if (neuron === undefined) throw new Error(`layer ${layer}'s index lists no explained neuron`);
    return { layer, neuron };
  }
}
