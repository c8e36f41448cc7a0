/**
 * `/models/<id>/config.json` and `/models/<id>/model.safetensors`: the GPT-2 checkpoints in
 * MODELS_DIR (one folder per model, named as dataset manifests name their model), for the
 * browser's model runner; HTTP ranges, ETag and Last-Modified as for any static file, never
 * compressed (a range of a gzipped stream means nothing). Only those two names are served, and
 * only from inside MODELS_DIR: a symbolic link that leads out of it is refused.
 *
 * `GET /models/index.json` (also `/api/models`) lists the models, with their shape and a version
 * that changes with the files (the browser's cache key): a static host can serve the same file.
 */
import { realpath, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelListSchema, type ModelList, type ServerModel } from '../../core/api/models.ts';
import { parseGpt2Config } from '../../core/model/config.ts';
import { CONFIG_FILE, WEIGHTS_FILE } from '../../core/model/sources.ts';
import { notFound } from '../errors.ts';

const SERVED = new Set([CONFIG_FILE, WEIGHTS_FILE]);
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * The real path of `<modelsDir>/<id>/<name>`, or null when it is missing, not a file, or (through
 * a symbolic link) outside MODELS_DIR.
 */
async function modelFile(modelsDir: string, id: string, name: string): Promise<string | null> {
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

export async function modelRoutes(app: FastifyInstance, { modelsDir }: { modelsDir: string }) {
  await app.register(fastifyStatic, {
    root: modelsDir,
    serve: false,
    dotfiles: 'deny',
    index: false,
  });

  const list = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    return ModelListSchema.parse(await listModels(modelsDir));
  };
  app.get('/models/index.json', list);
  app.get('/api/models', list);

  app.get<{ Params: { id: string; file: string } }>(
    '/models/:id/:file',
    { compress: false },
    async (request: FastifyRequest<{ Params: { id: string; file: string } }>, reply) => {
      const path = await modelFile(modelsDir, request.params.id, request.params.file);
      if (!path) throw notFound(request);
      reply.header('cache-control', 'no-cache');
      if (request.params.file === WEIGHTS_FILE) reply.type('application/octet-stream');
      return reply.sendFile(basename(path), dirname(path), { cacheControl: false });
    },
  );
}
