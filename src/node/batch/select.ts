/**
 * The neurons a batch job runs on: each --select (see core/batch/selection.ts) applied to the
 * dataset's layer indexes with the app's own search and filters, and the sets intersected.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readLayerColumns } from '../../core/browse/read.ts';
import { describeRows, SearchableDataset, searchRows } from '../../core/browse/search.ts';
import { NO_FILTERS } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import {
  inLayerRanges,
  parseNeuronList,
  parseSelection,
  SelectionError,
  sortNeurons,
  type NeuronRef,
} from '../../core/batch/selection.ts';

const key = (n: NeuronRef) => `${n.layer}/${n.neuron}`;

export async function selectNeurons(
  datasetDir: string,
  manifest: DatasetManifest,
  specs: readonly string[],
  options: { limit?: number; cwd?: string } = {},
): Promise<NeuronRef[]> {
  const selections = (specs.length === 0 ? ['all'] : specs).map(parseSelection);
  const layerRanges = selections.flatMap((s) => (s.kind === 'layers' ? [s.ranges] : []));
  // Only the layers every layer selection keeps need loading.
  const layers = manifest.layers.filter((l) =>
    layerRanges.every((ranges) => inLayerRanges(l.layer, ranges)),
  );
  const dataset = new SearchableDataset(manifest.layers);
  for (const entry of layers) {
    const path = join(datasetDir, entry.index);
    dataset.addLayer(readLayerColumns(await readFile(path, 'utf8'), path));
  }
  const sort = { key: 'layer', descending: false } as const;
  const all = () => describeRows(dataset.table, searchRows(dataset, '', NO_FILTERS, sort));

  let chosen: Map<string, NeuronRef> | null = null;
  const keep = (refs: readonly NeuronRef[]) => {
    const next = new Map(refs.map((r) => [key(r), { layer: r.layer, neuron: r.neuron }]));
    chosen = chosen === null ? next : new Map([...chosen].filter(([k]) => next.has(k)));
  };
  for (const selection of selections) {
    switch (selection.kind) {
      case 'all':
        keep(all());
        break;
      case 'layers':
        keep(all().filter((r) => inLayerRanges(r.layer, selection.ranges)));
        break;
      case 'score':
        keep(
          describeRows(
            dataset.table,
            searchRows(
              dataset,
              '',
              {
                ...NO_FILTERS,
                score: { low: selection.min, high: selection.max, highIncluded: true },
              },
              sort,
            ),
          ),
        );
        break;
      case 'search':
        keep(describeRows(dataset.table, searchRows(dataset, selection.query, NO_FILTERS, sort)));
        break;
      case 'file': {
        const path = resolve(options.cwd ?? process.cwd(), selection.path);
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new SelectionError(
            `${selection.path}: cannot read the list of neurons (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          );
        }
        keep(parseNeuronList(text, selection.path));
        break;
      }
    }
  }
  const neurons = sortNeurons([...((chosen as Map<string, NeuronRef> | null)?.values() ?? [])]);
  return options.limit === undefined ? neurons : neurons.slice(0, options.limit);
}
