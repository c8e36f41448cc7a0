/**
 * Writing a synthetic GPT-2 checkpoint folder (config.json + model.safetensors in Hugging Face's
 * layout, src/core/model/synthetic.ts) for tests and benchmarks, streamed: a GPT-2 XL-sized file
 * (6.4 GB in F32) is written a few MB at a time.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { gpt2ConfigJson } from '../../core/model/config.ts';
import { safetensorsHeaderBytes } from '../../core/model/safetensors.ts';
import {
  syntheticTensorBytes,
  syntheticTensors,
  type SyntheticCheckpointOptions,
} from '../../core/model/synthetic.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from './runner.ts';

export async function writeSyntheticCheckpoint(
  dir: string,
  options: SyntheticCheckpointOptions,
  onProgress?: (written: number, total: number) => void,
): Promise<{ bytes: number }> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, CONFIG_FILE), gpt2ConfigJson(options.config));
  const tensors = syntheticTensors(options);
  const { header, offsets } = safetensorsHeaderBytes(tensors, { format: 'pt' });
  const total = header.length + (offsets.at(-1)?.[1] ?? 0);
  const out = createWriteStream(join(dir, WEIGHTS_FILE));
  const write = async (bytes: Uint8Array) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  await write(header);
  let written = header.length;
  for (const tensor of tensors) {
    for (const chunk of syntheticTensorBytes(tensor, options)) {
      await write(chunk);
      written += chunk.length;
      onProgress?.(written, total);
    }
  }
  out.end();
  await once(out, 'finish');
  return { bytes: total };
}
