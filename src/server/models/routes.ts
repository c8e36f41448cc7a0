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
import { basename, dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelListSchema } from '../../core/api/models.ts';
import { WEIGHTS_FILE } from '../../core/model/sources.ts';
import { listModels, modelFile } from '../../node/model/model-folder.ts';
import { notFound } from '../errors.ts';

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
