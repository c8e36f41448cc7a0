/** Progress of a long load (gigabytes of weights): bytes so far, rate and time left. */

export interface LoadProgress {
  /** What is happening: reading the header, fetching or reading weights, or preparing. */
  phase: 'header' | 'weights' | 'prepare' | 'done';
  loaded: number;
  total: number;
  /** Bytes per second over the last few seconds (null until it can be told). */
  bytesPerSecond: number | null;
  /** Seconds left at that rate (null until known). */
  etaSeconds: number | null;
  /** Where the bytes come from: the network, the browser's cache, a local file or folder. */
  from?: 'network' | 'cache' | 'file';
}

/** The window the rate is taken over: long enough to smooth bursts, short enough to follow changes. */
const WINDOW_MS = 3000;

export class ProgressMeter {
  private readonly samples: { at: number; loaded: number }[] = [];

  constructor(
    readonly total: number,
    private readonly clock: () => number,
  ) {}

  update(loaded: number, phase: LoadProgress['phase'] = 'weights'): LoadProgress {
    const at = this.clock();
    this.samples.push({ at, loaded });
    while (this.samples.length > 2 && at - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    const bytesPerSecond = seconds > 0.2 ? (loaded - first.loaded) / seconds : null;
    return {
      phase,
      loaded,
      total: this.total,
      bytesPerSecond,
      etaSeconds:
        bytesPerSecond && bytesPerSecond > 0
          ? Math.max(0, (this.total - loaded) / bytesPerSecond)
          : null,
    };
  }
}
