/**
 * Checking a `--data` folder before reading it: the commonest slip is giving DATA_DIR itself (the
 * folder of datasets, e.g. `data`) where one dataset's folder (e.g. `data/gpt2-xl`) was meant.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './command.ts';

/** The dataset folders directly inside `folder` (those holding a manifest.json). */
function datasetsInside(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter(
        (entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'manifest.json')),
      )
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Throws a CliError saying what is wrong when `folder` is not an ingested dataset folder: that it
 * does not exist, or that it holds datasets (naming them) rather than being one.
 */
export function checkDatasetFolder(folder: string): void {
  if (existsSync(join(folder, 'manifest.json'))) return;
  if (!existsSync(folder)) throw new CliError(`${folder} does not exist`);
  const inside = datasetsInside(folder);
  if (inside.length > 0) {
    throw new CliError(
      `${folder} is a folder of datasets, not one dataset: give one of them, ${inside
        .map((name) => `--data ${join(folder, name)}`)
        .join(' or ')}`,
    );
  }
  throw new CliError(
    `${folder} is not a dataset folder: it has no manifest.json (ingest one with \`cli ingest --out ${folder}\`)`,
  );
}
