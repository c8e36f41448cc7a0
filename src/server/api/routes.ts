/**
 * POST /api/simulate and POST /api/explain: validate, run the engine, answer with JSON or a stream
 * of server-sent events (Accept: text/event-stream; see send.ts). Rate-limited per client.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  ExplainRequestSchema,
  requestProblem,
  SimulateRequestSchema,
} from '../../core/api/simulate.ts';
import type { DatasetRegistry, ServedDataset } from '../datasets/registry.ts';
import { ApiError } from '../errors.ts';
import type { Settings } from '../settings.ts';
import { REDIS_PREFIX, type SharedRedis } from '../shared-redis.ts';
import type { SimulationEngine } from '../simulation/engine.ts';
import { gpt2TokensOfTexts } from '../simulation/tokenize.ts';
import type { Sender } from './send.ts';

export interface ApiRoutesOptions {
  settings: Settings;
  registry: DatasetRegistry;
  engine: SimulationEngine;
  /** Answers a run with JSON or events (see send.ts). */
  send: Sender;
  /** With REDIS_URL: the rate limit counts each client's requests over every instance. */
  shared?: SharedRedis | null;
}

export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions) {
  const { settings, registry, engine, send, shared } = options;
  const windowSeconds = Math.round(settings.RATE_LIMIT_WINDOW_MS / 1000);

  await app.register(fastifyRateLimit, {
    global: false,
    max: settings.RATE_LIMIT_MAX,
    timeWindow: settings.RATE_LIMIT_WINDOW_MS,
    // Shared: one count per client over every instance. A Redis that fails lets the request
    // through (the connection's errors are logged by shared-redis.ts) rather than fail it.
    ...(shared && {
      redis: shared.redis,
      nameSpace: `${REDIS_PREFIX}rate-limit:`,
      skipOnError: true,
    }),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client: at most ${context.max} simulations per ${windowSeconds} s. ` +
          `Try again in ${Math.ceil(context.ttl / 1000)} s.`,
        { retryable: true },
      ),
  });

  const routeOptions = {
    config: { rateLimit: {} },
    // Fresh results of tens of KB: fast gzip in one call (under a millisecond) rather than
    // through a zlib stream, whose setup costs more than the compression; brotli costs more.
    // Cache hits come gzipped already (see sendJson).
    compress: {
      encodings: ['gzip' as const],
      zlibOptions: { level: 1 },
      syncThreshold: 1024 * 1024,
    },
  };

  app.post('/api/simulate', routeOptions, async (request, reply) => {
    const body = validate(SimulateRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    const texts = body.texts ? gpt2TokensOfTexts(body.texts) : undefined;
    const job = { dataset, layer: body.layer, neuron: body.neuron, explanation: body.explanation };
    return send(request, reply, (run) => engine.simulate(texts ? { ...job, texts } : job, run));
  });

  app.post('/api/explain', routeOptions, async (request, reply) => {
    const body = validate(ExplainRequestSchema, request.body);
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    return send(request, reply, (run) =>
      engine.explain({ dataset, layer: body.layer, neuron: body.neuron }, run),
    );
  });
}

/** The parsed body, or a 400 naming the first field at fault. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    throw new ApiError(400, 'invalid_request', `Unknown field(s): ${keys}.`, { field: keys });
  }
  const { field, message } = requestProblem(result.error);
  throw new ApiError(400, 'invalid_request', `${field || 'body'}: ${message}`, { field });
}

/** The dataset, after checking that the layer and neuron are inside it. */
export async function findNeuron(
  registry: DatasetRegistry,
  id: string,
  layer: number,
  neuron: number,
): Promise<ServedDataset> {
  const dataset = await registry.get(id);
  if (!dataset) {
    throw new ApiError(404, 'not_found', `dataset: no dataset "${id}" is served here.`, {
      field: 'dataset',
    });
  }
  const neurons = dataset.neuronsPerLayer.get(layer);
  if (neurons === undefined) {
    const layers = [...dataset.neuronsPerLayer.keys()].sort((a, b) => a - b);
    const range = layers.length ? `${layers[0]} to ${layers.at(-1)}` : 'none';
    throw new ApiError(
      400,
      'invalid_request',
      `layer: dataset ${id} has no layer ${layer} (layers ${range}).`,
      {
        field: 'layer',
      },
    );
  }
  if (neuron >= neurons) {
    throw new ApiError(
      400,
      'invalid_request',
      `neuron: layer ${layer} of ${id} has ${neurons} neurons (0 to ${neurons - 1}).`,
      { field: 'neuron' },
    );
  }
  return dataset;
}
