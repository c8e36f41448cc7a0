/**
 * Views of a dataset from the search worker: each view (the rows in order, then the charts'
 * statistics, for a query, filters and sort: see src/core/browse/answer.ts) is asked for the
 * moment the page wants it, one request at a time, the newest waiting. The page draws the rows
 * that come back from its own copy of the columns (./store.ts); it never sorts, filters or
 * searches them itself. Recent answers are kept, so coming back to a view is instant.
 */
import { LRUCache } from 'lru-cache';
import { useLayoutEffect, useSyncExternalStore } from 'react';
import type { ChartsAnswer, ViewAnswer, ViewRequest } from '../../core/browse/answer.ts';
import { binEdges } from '../../core/browse/stats.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import type { SearchService } from './service.ts';
import { datasetKey, perDataset } from './store.ts';

const BIN_WIDTH = 0.05;

/** The score histogram's bins: 0.05 wide, from the dataset's lowest score (or 0) to 1. */
export function histogramEdges(manifest: DatasetManifest): number[] {
  const min = manifest.scoreSummary.quantiles?.min ?? 0;
  const low = Math.max(-1, Math.floor(Math.min(0, min) / BIN_WIDTH) * BIN_WIDTH);
  return binEdges(low, 1, BIN_WIDTH);
}

export interface ViewState<Rows = ViewAnswer, Charts = ChartsAnswer> {
  /** The rows shown: the wanted ones, or the latest while they are on their way. */
  answer: Rows | null;
  /** The key of the rows shown. */
  key: string | null;
  /** The charts shown, and their key: they follow the rows. */
  charts: Charts | null;
  chartsKey: string | null;
  error: Error | null;
}

/** Recent answers by key, a few (each answer's rows can hold 307,200 rows: 1.2 MB). */
const RECENT_ANSWERS = 6;

/**
 * How long the views wanted must hold still before the charts are asked for: while the user types
 * or drags a slider, the worker and the page spend their time on the rows alone.
 */
export const CHARTS_PAUSE = 150;

/**
 * Asks the worker for views, one request at a time: while one is being worked out, only the
 * newest of the views wanted since waits (fast typing skips the keystrokes in between). The rows
 * come first; the charts are asked for once the rows are in, nothing newer is waiting, and no new
 * view has been wanted for CHARTS_PAUSE ms.
 */
export class ViewChannel<Request, Rows extends object, Charts extends object> {
  private state: ViewState<Rows, Charts> = {
    answer: null,
    key: null,
    charts: null,
    chartsKey: null,
    error: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly answers = new LRUCache<string, Rows>({ max: RECENT_ANSWERS });
  private readonly chartAnswers = new LRUCache<string, Charts>({ max: RECENT_ANSWERS });
  private wanted: { key: string; request: Request } | null = null;
  private busy = false;
  private next: { key: string; request: Request } | null = null;
  private wantedAt = -Infinity;
  private chartsTimer: ReturnType<typeof setTimeout> | null = null;

  /** `rows` and `charts` ask the worker for a view's rows and for its charts. */
  constructor(
    private readonly rows: (request: Request) => Promise<Rows>,
    private readonly charts: (request: Request) => Promise<Charts>,
  ) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  want = (key: string, request: Request): void => {
    if (key === this.wanted?.key) return;
    this.wanted = { key, request };
    this.wantedAt = performance.now();
    const known = this.answers.get(key);
    if (known) {
      this.next = null;
      this.publish({ answer: known, key, error: null });
    } else {
      this.next = { key, request };
    }
    this.pump();
  };

  private pump(): void {
    if (this.busy) return;
    if (this.next) {
      const { key, request } = this.next;
      this.next = null;
      this.ask(
        () => this.rows(request),
        (answer) => {
          this.answers.set(key, answer);
          // The wanted rows, or newer ones than shown while the wanted ones are still to come.
          if (key === this.wanted?.key || this.state.key !== this.wanted?.key) {
            this.publish({ answer, key, error: null });
          }
        },
        key,
      );
      return;
    }
    const wanted = this.wanted;
    if (!wanted || this.state.key !== wanted.key || this.state.chartsKey === wanted.key) return;
    const known = this.chartAnswers.get(wanted.key);
    if (known) {
      this.publish({ charts: known, chartsKey: wanted.key });
      return;
    }
    const wait = this.wantedAt + CHARTS_PAUSE - performance.now();
    if (wait > 0) {
      if (this.chartsTimer !== null) clearTimeout(this.chartsTimer);
      this.chartsTimer = setTimeout(() => {
        this.chartsTimer = null;
        this.pump();
      }, wait);
      return;
    }
    this.ask(
      () => this.charts(wanted.request),
      (charts) => {
        this.chartAnswers.set(wanted.key, charts);
        if (wanted.key === this.wanted?.key) this.publish({ charts, chartsKey: wanted.key });
      },
      wanted.key,
    );
  }

  private ask<T>(send: () => Promise<T>, take: (answer: T) => void, key: string): void {
    this.busy = true;
    send().then(
      (answer) => {
        this.busy = false;
        take(answer);
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        if (key === this.wanted?.key) {
          this.publish({ error: error instanceof Error ? error : new Error(String(error)) });
        }
        this.pump();
      },
    );
  }

  private publish(change: Partial<ViewState<Rows, Charts>>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}

type BrowseChannel = ViewChannel<ViewRequest, ViewAnswer, ChartsAnswer>;
const channels = new WeakMap<SearchService, Map<string, BrowseChannel>>();

function channelFor(service: SearchService, manifest: DatasetManifest): BrowseChannel {
  return perDataset(channels, service, manifest, () => {
    const dataset = datasetKey(manifest);
    const edges = histogramEdges(manifest);
    return new ViewChannel(
      (request: ViewRequest) => service.view(dataset, request),
      (request: ViewRequest) => service.charts(dataset, request, edges),
    );
  });
}

export interface ViewAnswerState<Request = ViewRequest, Rows = ViewAnswer, Charts = ChartsAnswer> {
  state: ViewState<Rows, Charts>;
  /**
   * Asks for a view at once, ahead of the render that will want it (a keystroke's request then
   * leaves before the page re-renders, and the worker works while it does).
   */
  wantAhead: (key: string, request: Request) => void;
}

/** A channel's answer for `request` (identified by `key`); until it comes, the previous stays. */
export function useChannel<Request, Rows extends object, Charts extends object>(
  channel: ViewChannel<Request, Rows, Charts>,
  key: string,
  request: Request,
): ViewAnswerState<Request, Rows, Charts> {
  // A layout effect: the request leaves in the same task as the change that made it.
  useLayoutEffect(() => {
    channel.want(key, request);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key identifies the request
  }, [channel, key]);
  const state = useSyncExternalStore(channel.subscribe, channel.snapshot, channel.snapshot);
  return { state, wantAhead: channel.want };
}

/**
 * The worker's answer for `request` (identified by `key`, which must change whenever the request
 * or the layers loaded do). Until it comes, the previous answer stays.
 */
export function useViewAnswer(
  service: SearchService,
  manifest: DatasetManifest,
  key: string,
  request: ViewRequest,
): ViewAnswerState {
  return useChannel(channelFor(service, manifest), key, request);
}
