/**
 * The search worker: loads layer indexes and keeps the search index and every view computation
 * off the page's thread, so typing never waits for indexing, searching, sorting or filtering.
 * Row lists are transferred, not copied.
 */
import * as Comlink from 'comlink';
import { columnBuffers } from '../../core/browse/table.ts';
import { createSearchService, type SearchService } from './service.ts';

const service = createSearchService();

const api: SearchService = {
  async loadLayer(dataset, layers, layer, url) {
    const columns = await service.loadLayer(dataset, layers, layer, url);
    return Comlink.transfer(columns, columnBuffers(columns));
  },
  async view(dataset, request) {
    // Each answer's rows are a new array, so the worker can give them away.
    const answer = await service.view(dataset, request);
    return Comlink.transfer(answer, [answer.rows.buffer as ArrayBuffer]);
  },
  charts: (dataset, request, edges) => service.charts(dataset, request, edges),
};

Comlink.expose(api);
