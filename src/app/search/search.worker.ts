/**
 * The search worker: loads layer indexes and keeps the search index off the page's thread, so
 * typing never waits for indexing or searching. Answers are transferred, not copied.
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
  async search(dataset, query) {
    const answer = await service.search(dataset, query);
    return Comlink.transfer(answer, [answer.rows.buffer, answer.relevance.buffer] as ArrayBuffer[]);
  },
  async columnOrder(dataset, column) {
    const order = await service.columnOrder(dataset, column);
    return Comlink.transfer(order, [order.rows.buffer as ArrayBuffer]);
  },
};

Comlink.expose(api);
