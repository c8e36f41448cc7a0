/**
 * One candidate runtime measured in a Web Worker: random GPT-2 small-shaped weights, 64 tokens,
 * every neuron's activation and each token's top 10 over all layers, as bench/model-runtimes.ts
 * does in Node.
 */
import type { BlockExecutor } from '../../../src/core/model/runner.ts';
import { runActivations } from '../../../src/core/model/runner.ts';
import { createOrtExecutor } from '../../../src/core/model/ort-executor.ts';
import { GPT2_SHAPES, syntheticWeights } from '../../../src/core/model/synthetic.ts';
import { tfjsExecutor } from '../tfjs-executor.ts';

export interface BrowserCandidateRequest {
  id: 'ort-wasm' | 'ort-webgpu' | 'tfjs-wasm' | 'tfjs-webgpu' | 'typescript';
  threads: number;
  runs: number;
  tokens: number;
  dtype: 'F32' | 'F16';
}

export interface BrowserCandidateResult {
  id: string;
  threads: number;
  runsMs: number[];
  firstMs: number;
  setupMs: number;
  topNeuron: string;
  /** The worker's JavaScript heap at the end (Chromium's performance.memory), MB. */
  heapMb: number | null;
}

async function executor(
  request: BrowserCandidateRequest,
  weights: ReturnType<typeof syntheticWeights>,
): Promise<BlockExecutor> {
  switch (request.id) {
    case 'ort-wasm': {
      const ort = await import('onnxruntime-web/wasm');
      ort.env.wasm.numThreads = request.threads;
      return createOrtExecutor(ort as never, weights.config, request.dtype, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
    }
    case 'ort-webgpu': {
      const ort = await import('onnxruntime-web/webgpu');
      ort.env.wasm.numThreads = request.threads;
      return createOrtExecutor(ort as never, weights.config, request.dtype, {
        executionProviders: ['webgpu'],
        graphOptimizationLevel: 'all',
      });
    }
    case 'tfjs-wasm':
    case 'tfjs-webgpu': {
      const tf = await import('@tensorflow/tfjs-core');
      if (request.id === 'tfjs-wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // Its threaded build does not start inside a module worker (the product's setting), so
        // threads > 1 reports that failure; 1 thread uses the SIMD build without threads.
        if (request.threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        else wasm.setThreadsCount(request.threads);
        wasm.setWasmPaths('/tfjs-wasm/');
        await tf.setBackend('wasm');
      } else {
        await import('@tensorflow/tfjs-backend-webgpu');
        await tf.setBackend('webgpu');
      }
      await tf.ready();
      return tfjsExecutor(tf, weights);
    }
    case 'typescript': {
      const { typescriptExecutor } = await import('../../../src/core/model/forward.ts');
      return typescriptExecutor(weights.config);
    }
  }
}

self.onmessage = async (event: MessageEvent<BrowserCandidateRequest>) => {
  const request = event.data;
  try {
    const weights = syntheticWeights({ config: GPT2_SHAPES.gpt2!, dtype: request.dtype, seed: 7 });
    const ids = Array.from({ length: request.tokens }, (_, i) => (i * 7919 + 13) % 50257);
    const setupStart = performance.now();
    const run = await executor(request, weights);
    const setupMs = performance.now() - setupStart;
    const runsMs: number[] = [];
    let firstMs = 0;
    let topNeuron = '';
    for (let i = 0; i <= request.runs; i++) {
      const started = performance.now();
      const result = await runActivations(weights, run, ids, { top: 10, keepActivations: true });
      const ms = performance.now() - started;
      if (i === 0) firstMs = ms;
      else runsMs.push(Math.round(ms));
      const best = result.top[request.tokens - 1]![0]!;
      topNeuron = `${best.layer}:${best.neuron} ${best.activation.toFixed(4)}`;
    }
    const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    const result: BrowserCandidateResult = {
      id: request.id,
      threads: request.threads,
      runsMs,
      firstMs: Math.round(firstMs),
      setupMs: Math.round(setupMs),
      topNeuron,
      heapMb: memory ? Math.round(memory.usedJSHeapSize / 1e6) : null,
    };
    self.postMessage(result);
  } catch (error) {
    self.postMessage({
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    });
  }
};

self.addEventListener('error', (event) => {
  self.postMessage({ error: `${event.message} (${event.filename}:${event.lineno})` });
});
self.addEventListener('unhandledrejection', (event) => {
  self.postMessage({ error: `unhandled: ${String(event.reason)}` });
});
