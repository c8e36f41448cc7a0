/**
 * Comparisons of two datasets from the search worker, which holds both tables: the join, filters
 * and order of a comparison view (src/core/compare/answer.ts) are worked out there, one request
 * at a time with the newest waiting, and the rows come back as rows of each table; the page draws
 * them from its own copies (./store.ts). The charts follow once the view holds still.
 */
import type { CompareView } from '../../core/compare/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import type { CompareAnswer, CompareChartsAnswer, SearchService } from './service.ts';
import { datasetKey } from './store.ts';
import { useChannel, ViewChannel, type ViewAnswerState } from './views.ts';

type CompareChannel = ViewChannel<CompareView, CompareAnswer, CompareChartsAnswer>;
const channels = new WeakMap<SearchService, Map<string, CompareChannel>>();

function channelFor(service: SearchService, a: string, b: string): CompareChannel {
  let byPair = channels.get(service);
  if (!byPair) {
    byPair = new Map();
    channels.set(service, byPair);
  }
  const pair = `${a}\u0000\u0000${b}`;
  let channel = byPair.get(pair);
  if (!channel) {
    channel = new ViewChannel(
      (view: CompareView) => service.compare(a, b, view),
      (view: CompareView) => service.compareCharts(a, b, view),
    );
    byPair.set(pair, channel);
  }
  return channel;
}

/**
 * The worker's answer for comparison view `view` of `a` (browsed) with `b`; `key` must change
 * whenever the view or the layers loaded do. Until it comes, the previous answer stays.
 */
export function useComparison(
  service: SearchService,
  a: DatasetManifest,
  b: DatasetManifest,
  key: string,
  view: CompareView,
): ViewAnswerState<CompareView, CompareAnswer, CompareChartsAnswer> {
  return useChannel(channelFor(service, datasetKey(a), datasetKey(b)), key, view);
}
