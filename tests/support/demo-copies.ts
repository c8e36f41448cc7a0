/**
 * A bigger dataset for batch tests and benchmarks: the demo dataset's neurons in several copies
 * (layer L of copy k is layer L + 4k; files otherwise the same, their neuron ids moved), ingested.
 * 127 neurons a copy.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NeuronFileKind } from '../../src/core/format/types.ts';
import { writeDemoDataset } from '../../src/node/demo.ts';
import { ingestDataset } from '../../src/node/ingest.ts';

const DEMO_LAYERS = 4;

/**
 * Writes `copies` copies of the demo into `out` (a dataset folder); `work` holds the demo. Only
 * the explanation and records files (what a batch reads) unless `kinds` says otherwise.
 */
export async function writeDemoCopies(
  work: string,
  out: string,
  copies: number,
  kinds: readonly NeuronFileKind[] = ['explanations', 'collated-activations'],
): Promise<void> {
  const demo = join(work, 'demo-source');
  rmSync(demo, { recursive: true, force: true });
  await writeDemoDataset(demo);
  for (const kind of kinds) {
    for (let layer = 0; layer < DEMO_LAYERS; layer += 1) {
      const folder = join(demo, kind, String(layer));
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder)) {
        const text = readFileSync(join(folder, name), 'utf8');
        for (let copy = 0; copy < copies; copy += 1) {
          const target = layer + DEMO_LAYERS * copy;
          mkdirSync(join(out, kind, String(target)), { recursive: true });
          // The file names its own neuron: the first layer_index is the neuron_id's.
          const moved = text.replace(/"layer_index":\s*\d+/, `"layer_index":${target}`);
          writeFileSync(join(out, kind, String(target), name), moved);
        }
      }
    }
  }
  await ingestDataset({ source: '.', out, model: 'demo', synthetic: true, records: true });
}
