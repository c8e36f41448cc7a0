/**
 * The datasets the browse/search benchmark runs on, written under a data folder:
 *   scale/  48 x 6,400 neurons (307,200): synthetic layer indexes made from the real explanations'
 *           text (see ./synthetic.ts), until ingest's `fixture scale` can be used instead
 *   paper/  the 16,528 real explanations of paper-explanations.csv, when the real data is here
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeLayerDataset } from '../../tests/fixtures/layer-dataset.ts';
import {
  csvLayerIndexes,
  paperExplanationsPath,
  readPaperExplanations,
} from '../../tests/fixtures/paper-explanations.ts';
import { syntheticLayerIndexes } from './synthetic.ts';

export async function writeBenchDatasets(dataDir: string, { force = false } = {}): Promise<void> {
  const csv = paperExplanationsPath();
  if (!csv)
    throw new Error(
      'The benchmark needs paper-explanations.csv (the real data folder; see tests/real-data.ts)',
    );
  const rows = readPaperExplanations(csv);
  if (force || !existsSync(join(dataDir, 'scale', 'manifest.json'))) {
    await writeLayerDataset(join(dataDir, 'scale'), syntheticLayerIndexes(rows), {
      id: 'scale',
      title: 'Scale fixture (307,200 synthetic neurons)',
      neuronsPerLayer: 6400,
    });
  }
  if (force || !existsSync(join(dataDir, 'paper', 'manifest.json'))) {
    await writeLayerDataset(join(dataDir, 'paper'), csvLayerIndexes(rows), {
      id: 'paper',
      title: 'GPT-2 XL (paper explanations)',
      neuronsPerLayer: 6400,
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx bench/search/datasets.ts <data folder>');
  await writeBenchDatasets(dir, { force: true });
  console.log(`wrote ${dir}/scale and ${dir}/paper`);
}
