/**
 * A models folder (MODELS_DIR): one folder per GPT-2 checkpoint, named as dataset manifests name
 * their model, each holding `config.json` and `model.safetensors`. The server serves it under
 * /models/ and the static site copies it; both list it with `listModels` and reach its files only
 * through `modelFile`, which refuses anything outside the folder.
 */
import { realpath, readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { ModelList, ServerModel } from '../../core/api/models.ts';
import { parseGpt2Config } from '../../core/model/config.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../../core/model/sources.ts';

const SERVED = new Set([CONFIG_FILE, WEIGHTS_FILE]);
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The real path of `<modelsDir>/<id>/<name>`, or null when it is missing, not a file, or (through
 * a symbolic link) outside MODELS_DIR.
 */
export async function modelFile(
  modelsDir: string,
  id: string,
  name: string,
): Promise<string | null> {
  if (!MODEL_ID.test(id) || id.includes('..') || !SERVED.has(name)) return null;
  try {
    const root = await realpath(modelsDir);
    const path = await realpath(join(modelsDir, id, name));
    if (!path.startsWith(root + sep)) return null;
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

/** Every model folder in MODELS_DIR, with why a folder is not a usable model. */
export async function listModels(modelsDir: string): Promise<ModelList> {
  const list: ModelList = { models: [], problems: [] };
  let entries: string[];
  try {
    entries = (await readdir(modelsDir)).sort();
  } catch {
    return list;
  }
  for (const id of entries) {
    if (!MODEL_ID.test(id)) continue;
    try {
      if (!(await stat(join(modelsDir, id))).isDirectory()) continue;
    } catch {
      continue;
    }
    const configPath = await modelFile(modelsDir, id, CONFIG_FILE);
    const weightsPath = await modelFile(modelsDir, id, WEIGHTS_FILE);
    if (!configPath || !weightsPath) {
      list.problems.push({
        id,
        problem: `needs ${[!configPath && CONFIG_FILE, !weightsPath && WEIGHTS_FILE].filter(Boolean).join(' and ')} (inside MODELS_DIR)`,
      });
      continue;
    }
    try {
      const config = parseGpt2Config(await readFile(configPath, 'utf8'), `${id}/${CONFIG_FILE}`);
      const [configStat, weightsStat] = await Promise.all([stat(configPath), stat(weightsPath)]);
      const model: ServerModel = {
        id,
        layers: config.layers,
        heads: config.heads,
        embd: config.embd,
        neuronsPerLayer: config.inner,
        positions: config.positions,
        vocab: config.vocab,
        bytes: weightsStat.size,
        version: [
          weightsStat.size,
          Math.round(weightsStat.mtimeMs),
          configStat.size,
          Math.round(configStat.mtimeMs),
        ].join('-'),
      };
      list.models.push(model);
    } catch (error) {
      list.problems.push({ id, problem: (error as Error).message });
    }
  }
  return list;
}
