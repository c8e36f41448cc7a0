/**
 * The search worker: keeps the search index and every view computation off the page's thread, so
 * typing never waits for indexing, searching, sorting or filtering. Row lists go back
 * transferred, not copied.
 *
 * Layers come from the reader workers (./reader.worker.ts) straight through a port of their own,
 * not through the page, whose thread would spend a third of a second passing them on. A layer is
 * staged until the page says it has drawn the same columns into its table, so that no answer
 * names rows the page cannot draw yet.
 */
import * as Comlink from 'comlink';
import type { LayerSize, PackedLayerColumns } from '../../core/browse/table.ts';
import type { TokenizedTexts } from '../../core/search/tokenize.ts';
import { createSearchService } from './service.ts';

const service = createSearchService();

interface Staged {
  layers: LayerSize[];
  columns: PackedLayerColumns;
  tokens: TokenizedTexts;
}
const staged = new Map<string, Staged>();
const committed = new Set<string>();
const stageKey = (dataset: string, layer: number) => `${dataset}\u0000${layer}`;

/** Adds a layer once both its columns and the page's word have come (in either order). */
function addWhenReady(key: string, dataset: string): void {
  const layer = staged.get(key);
  if (!layer || !committed.has(key)) return;
  staged.delete(key);
  committed.delete(key);
  void service.addLayer(dataset, layer.layers, layer.columns, layer.tokens);
  if (committed.size === 0) {
    for (const resume of waiting.splice(0)) resume();
  }
}

/**
 * Views wait for layers the page holds whose columns are still on their way from a reader
 * (messages through two ports need not arrive in the order they were sent).
 */
const waiting: (() => void)[] = [];
const committedLayersIn = () =>
  committed.size === 0 ? Promise.resolve() : new Promise<void>((done) => waiting.push(done));

const stageApi = {
  stage(dataset: string, layers: LayerSize[], columns: PackedLayerColumns, tokens: TokenizedTexts) {
    const key = stageKey(dataset, columns.layer);
    staged.set(key, { layers, columns, tokens });
    addWhenReady(key, dataset);
  },
};

export type StageApi = typeof stageApi;

const api = {
  /** Takes layers from a reader worker through this port. */
  connectReader(port: MessagePort) {
    Comlink.expose(stageApi, port);
  },
  /** The page holds this layer's columns now: it may be searched. */
  commitLayer(dataset: string, layer: number) {
    const key = stageKey(dataset, layer);
    committed.add(key);
    addWhenReady(key, dataset);
  },
  async view(...args: Parameters<typeof service.view>) {
    // Each answer's rows are a new array, so the worker can give them away.
    await committedLayersIn();
    const answer = await service.view(...args);
    return Comlink.transfer(answer, [answer.rows.buffer as ArrayBuffer]);
  },
  async charts(...args: Parameters<typeof service.charts>) {
    await committedLayersIn();
    return service.charts(...args);
  },
  async compare(...args: Parameters<typeof service.compare>) {
    await committedLayersIn();
    const answer = await service.compare(...args);
    return Comlink.transfer(answer, [
      answer.rowA.buffer as ArrayBuffer,
      answer.rowB.buffer as ArrayBuffer,
    ]);
  },
  async compareCharts(...args: Parameters<typeof service.compareCharts>) {
    await committedLayersIn();
    return service.compareCharts(...args);
  },
};

export type SearchWorkerApi = typeof api;

Comlink.expose(api);
