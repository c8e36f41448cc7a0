/**
 * A reader worker: reads layer indexes (./reader.ts), stages each with the search worker through
 * its port, and gives the page its arrays, uncopied.
 */
import * as Comlink from 'comlink';
import { columnBuffers, type LayerSize } from '../../core/browse/table.ts';
import { readLayer, tokenBuffers } from './reader.ts';
import type { StageApi } from './search.worker.ts';

let search: Comlink.Remote<StageApi> | null = null;

const api = {
  connect(port: MessagePort) {
    search = Comlink.wrap<StageApi>(port);
  },
  async readLayer(dataset: string, layers: LayerSize[], url: string, layer: number) {
    if (!search) throw new Error('The reader worker is not connected to the search worker');
    const { columns, tokens } = await readLayer(url, layer);
    // Posted (a copy of the columns) before the columns' arrays are given to the page below.
    void search.stage(dataset, layers, columns, Comlink.transfer(tokens, tokenBuffers(tokens)));
    return Comlink.transfer(columns, columnBuffers(columns));
  },
};

export type ReaderApi = typeof api;

Comlink.expose(api);
