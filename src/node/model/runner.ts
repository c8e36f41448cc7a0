/**
 * The model runner in Node: a folder holding Hugging Face's `config.json` and
 * `model.safetensors`, read streamed (16 MB at a time; the weights kept in F32, or as F16 for
 * large models) and run on onnxruntime-node. Used by the CLI (`activations`) and benchmarks.
 *
 *   const runner = await openModelFolder('models/gpt2', { onProgress });
 *   const run = await runner.session.runText('The cat sat', { top: 5 });
 *   await runner.close();
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CheckpointPlan, StorageChoice } from '../../core/model/checkpoint.ts';
import {
  checkConfigMatches,
  parseGpt2Config,
  type Gpt2Config,
  type ModelShape,
} from '../../core/model/config.ts';
import { ModelFileError } from '../../core/model/errors.ts';
import { readCheckpoint } from '../../core/model/load.ts';
import type { LoadProgress } from '../../core/model/progress.ts';
import { ModelSession, modelInfo } from '../../core/model/session.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../../core/model/sources.ts';
import { createNodeExecutor } from './executor.ts';

export { CONFIG_FILE, WEIGHTS_FILE };

/** Bytes read from disk at a time. */
const CHUNK_BYTES = 16 << 20;

export interface OpenModelOptions {
  /** The dataset the model should fit (its layers and neurons per layer), checked on config.json. */
  expected?: ModelShape & { dataset: string };
  storage?: StorageChoice;
  onProgress?: (progress: LoadProgress) => void;
  onPlan?: (plan: CheckpointPlan) => void;
  /** ONNX Runtime threads (default every core). */
  threads?: number;
  signal?: AbortSignal;
}

export interface NodeModelRunner {
  session: ModelSession;
  dir: string;
  close(): Promise<void>;
}

/** Reads and checks `<dir>/config.json`. */
export async function readModelConfig(dir: string): Promise<Gpt2Config> {
  const file = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelFileError(
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): a model folder holds config.json and model.safetensors`,
      { file },
    );
  }
  return parseGpt2Config(text, file);
}

export async function openModelFolder(
  folder: string,
  options: OpenModelOptions = {},
): Promise<NodeModelRunner> {
  const dir = resolve(folder);
  const config = await readModelConfig(dir);
  if (options.expected) {
    checkConfigMatches(config, options.expected, {
      file: join(dir, CONFIG_FILE),
      dataset: options.expected.dataset,
    });
  }
  const file = join(dir, WEIGHTS_FILE);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new ModelFileError(
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { file },
    );
  }
  const { weights, plan } = await readCheckpoint(
    {
      file,
      size,
      from: 'file',
      chunks: createReadStream(file, { highWaterMark: CHUNK_BYTES }),
    },
    config,
    {
      ...(options.storage ? { storage: options.storage } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onPlan ? { onPlan: options.onPlan } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  const executor = await createNodeExecutor(config, plan.storage, {
    ...(options.threads ? { threads: options.threads } : {}),
  });
  return {
    session: new ModelSession(weights, executor, modelInfo(plan, 'onnxruntime-node cpu')),
    dir,
    close: () => executor.release(),
  };
}
