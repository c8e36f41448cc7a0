/**
 * The page of the browser-path tests (src/app/model/browser.test.ts): the app's model client
 * and worker, as the pages use them, driven from Playwright through window.harness.
 */
import { createModelClient, workerError } from '../../../src/app/model/client.ts';
import type {
  LoadedModel,
  LoadProgress,
  LoadRequest,
  RunRequest,
} from '../../../src/app/model/types.ts';

const client = createModelClient(
  new Worker(new URL('../../../src/app/model/model.worker.ts', import.meta.url), {
    type: 'module',
  }),
);

export interface HarnessRun {
  tokens: string[];
  tokenIds: number[];
  top: { layer: number; neuron: number; activation: number }[][];
  neurons: { layer: number; neuron: number; activations: number[] }[];
  /** Every activation, per layer, as plain numbers. */
  activations: number[][];
}

const harness = {
  backends: () => client.backends(),
  async load(
    request: Omit<LoadRequest, 'source'> & { base?: string; version?: string; picked?: string },
  ): Promise<
    | { loaded: LoadedModel; progress: LoadProgress[] }
    | { error: string; name: string; file?: string; tensor?: string; offset?: number }
  > {
    const progress: LoadProgress[] = [];
    try {
      const source: LoadRequest['source'] =
        request.picked !== undefined
          ? {
              kind: 'files',
              weights: (document.querySelector('#weights') as HTMLInputElement).files![0]!,
              config: request.picked,
            }
          : {
              kind: 'url',
              base: new URL(request.base!, location.href).href,
              version: request.version ?? '',
            };
      const loaded = await client.load({ ...request, source }, (p) => progress.push(p));
      return { loaded, progress };
    } catch (error) {
      const e = workerError(error) as Error & { file?: string; tensor?: string; offset?: number };
      return {
        error: e.message,
        name: e.name,
        ...(e.file !== undefined ? { file: e.file } : {}),
        ...(e.tensor !== undefined ? { tensor: e.tensor } : {}),
        ...(e.offset !== undefined ? { offset: e.offset } : {}),
      };
    }
  },
  async probe(base: string, version = '') {
    return client.probe({ kind: 'url', base: new URL(base, location.href).href, version });
  },
  async run(request: RunRequest): Promise<HarnessRun> {
    const result = await client.run(request);
    return {
      tokens: result.tokens,
      tokenIds: result.tokenIds,
      top: result.top,
      neurons: result.neurons,
      activations: (result.activations ?? []).map((layer) => Array.from(layer)),
    };
  },
  /** Whether the page's thread stays free while the worker runs: frames counted during a run. */
  async framesDuring(
    request: RunRequest,
  ): Promise<{ frames: number; ms: number; longestGapMs: number }> {
    let frames = 0;
    let last = performance.now();
    let longestGapMs = 0;
    let running = true;
    const tick = () => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      frames++;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const started = performance.now();
    await client.run(request);
    running = false;
    return { frames, ms: performance.now() - started, longestGapMs };
  },
  listCached: () => client.listCached(),
  removeCached: (key: string) => client.removeCached(key),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
