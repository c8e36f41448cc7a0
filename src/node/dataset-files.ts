/** Reading back what ingest wrote in a dataset folder: its manifest and layer indexes. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetManifest, LayerIndex } from '../core/dataset/types.ts';
import { parseLayerIndex, parseManifest } from '../core/dataset/parse.ts';

export async function readManifestFile(datasetDir: string): Promise<DatasetManifest> {
  const path = join(datasetDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${datasetDir} is not a dataset folder: it has no manifest.json (run ingest first)`
        : `${path} cannot be read (${code ?? String(error)})`,
    );
  }
  return parseManifest(text, { path });
}

/** The layer indexes the manifest names, for the given layers (default all), in layer order. */
export async function readLayerIndexes(
  datasetDir: string,
  manifest: DatasetManifest,
  layers?: readonly number[],
): Promise<LayerIndex[]> {
  const wanted = layers ? new Set(layers) : null;
  const indexes: LayerIndex[] = [];
  for (const summary of manifest.layers) {
    if (wanted && !wanted.has(summary.layer)) continue;
    const path = join(datasetDir, summary.index);
    indexes.push(parseLayerIndex(await readFile(path, 'utf8'), { path }));
  }
  return indexes;
}
