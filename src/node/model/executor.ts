/**
 * The block graph on onnxruntime-node (ONNX Runtime's CPU execution provider with its own
 * threads): the Node half of the runner, for the CLI, the server and the benchmarks.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Gpt2Config } from '../../core/model/config.ts';
import {
  createOrtExecutor,
  type OrtExecutor,
  type OrtModuleLike,
} from '../../core/model/ort-executor.ts';
import type { WeightDtype } from '../../core/model/safetensors.ts';

export interface NodeExecutorOptions {
  /** Threads for ONNX Runtime's operators; default every core. */
  threads?: number;
}

export function createNodeExecutor(
  config: Gpt2Config,
  weights: WeightDtype,
  { threads = availableParallelism() }: NodeExecutorOptions = {},
): Promise<OrtExecutor> {
  return createOrtExecutor(ort as unknown as OrtModuleLike, config, weights, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
}
