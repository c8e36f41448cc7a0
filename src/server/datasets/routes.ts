/**
 * `/datasets/`: the list of datasets, each dataset folder's own files, and the per-neuron files read
 * from each dataset's source. Only the five per-neuron path shapes reach a source, with integer
 * layer and neuron inside the dataset's layers; nothing in a request names a URL to fetch.
 */
import { createHash } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors.ts';
import { parseNeuronFilePath } from '../../core/format/path.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { isSafeRelativePath, NEURON_FILE_ROOTS } from './paths.ts';
import type { DatasetRegistry, ServedDataset } from './registry.ts';

/** Content-hashed files (e.g. index/layer-3.1a2b3c4d.json) never change under their name. */
const CONTENT_HASHED = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Per-neuron files of a published source change rarely; revalidate after a few minutes. */
const NEURON_FILE_CACHE = 'public, max-age=300';

export interface DatasetRoutesOptions {
  registry: DatasetRegistry;
  warn: (message: string) => void;
}

export async function datasetRoutes(app: FastifyInstance, options: DatasetRoutesOptions) {
  const { registry } = options;
  await app.register(fastifyStatic, {
    root: registry.dataDir,
    serve: false,
    preCompressed: true,
    dotfiles: 'deny',
    index: false,
  });

  app.get('/datasets/index.json', async (request, reply) => {
    const body = JSON.stringify(await registry.datasetList());
    return sendWithEtag(request, reply, body, 'no-cache');
  });

  app.get<{ Params: { id: string; '*': string } }>('/datasets/:id/*', async (request, reply) => {
    const dataset = await registry.get(request.params.id);
    const path = request.params['*'];
    if (!dataset || !isSafeRelativePath(path)) throw notFound(request);

    const neuronFile = parseNeuronFilePath(path);
    if (neuronFile) {
      const neurons = dataset.neuronsPerLayer.get(neuronFile.layer);
      if (neurons === undefined || neuronFile.neuron >= neurons) throw notFound(request);
      const canonical = neuronFilePath(neuronFile.kind, neuronFile.layer, neuronFile.neuron);
      return sendNeuronFile(request, reply, dataset, canonical);
    }
    if (NEURON_FILE_ROOTS.has(path.split('/')[0]!)) throw notFound(request);

    // The manifest and other plain files are revalidated on every use (ETag); hashed ones never.
    reply
      .header('vary', 'accept-encoding')
      .header('cache-control', CONTENT_HASHED.test(path) ? IMMUTABLE : 'no-cache');
    return reply.sendFile(path, dataset.dir, { cacheControl: false });
  });

  async function sendNeuronFile(
    request: FastifyRequest,
    reply: FastifyReply,
    dataset: ServedDataset,
    path: string,
  ) {
    const { source } = dataset;
    reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
    if (source.kind === 'local') {
      reply.header('cache-control', NEURON_FILE_CACHE);
      return reply.sendFile(path, source.location, { cacheControl: false, contentType: false });
    }
    let text: string | null;
    try {
      text = await source.readPath(path);
    } catch (error) {
      const reason = (error as Error).message;
      options.warn(`datasets/${dataset.id}/${path}: ${reason}`);
      throw new ApiError(
        502,
        'dataset_file',
        `Could not read ${path} of ${dataset.id}: ${reason}`,
        {
          retryable: true,
        },
      );
    }
    if (text === null) throw notFound(request);
    return sendWithEtag(request, reply, text, NEURON_FILE_CACHE);
  }
}

function sendWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
  cacheControl: string,
) {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  reply.header('etag', etag).header('cache-control', cacheControl);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}
