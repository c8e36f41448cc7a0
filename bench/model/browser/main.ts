/**
 * The page of the browser benchmark (bench/model-browser.ts): runs one candidate at a time in a
 * Web Worker, as the product does, and hands its figures to the driver.
 */
import type { BrowserCandidateResult, BrowserCandidateRequest } from './worker.ts';

declare global {
  interface Window {
    runCandidate(request: BrowserCandidateRequest): Promise<BrowserCandidateResult>;
    webgpuAdapter(): Promise<string | null>;
  }
}

window.runCandidate = (request) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<BrowserCandidateResult | { error: string }>) => {
      worker.terminate();
      if ('error' in event.data) reject(new Error(event.data.error));
      else resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(request);
  });

window.webgpuAdapter = async () => {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  const adapter = (await gpu.requestAdapter()) as { info?: Record<string, string> } | null;
  if (!adapter) return null;
  return JSON.stringify(adapter.info ?? {});
};
