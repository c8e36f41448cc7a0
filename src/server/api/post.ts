/**
 * What every POST /api/* route does before its engine runs, in one place: the body validated (a
 * 400 names the field), the client's rate limit charged with what the request may call upstream
 * (rate-limit.ts: one budget over all the routes), the neuron checked against its dataset, and
 * the answer compressed as suits a fresh result.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { requestProblem } from '../../core/api/simulate.ts';
import type { DatasetRegistry, ServedDataset } from '../datasets/registry.ts';
import { ApiError } from '../errors.ts';
import { REFUSED_REQUEST_CALLS, type ClientBudget } from './rate-limit.ts';

const routeOptions = {
  // Fresh results of tens of KB: fast gzip in one call (under a millisecond) rather than
  // through a zlib stream, whose setup costs more than the compression; brotli costs more.
  // Cache hits come gzipped already (see send.ts).
  compress: {
    encodings: ['gzip' as const],
    zlibOptions: { level: 1 },
    syncThreshold: 1024 * 1024,
  },
};

/** Every POST body names a neuron of a served dataset. */
type NeuronRequestSchema = z.ZodType<{ dataset: string; layer: number; neuron: number }>;

export interface PostRoute<Schema extends NeuronRequestSchema> {
  path: string;
  schema: Schema;
  /** LLM calls the request may make (rate-limit.ts's requestCalls). */
  calls: (body: z.output<Schema>) => number;
  handle: (
    body: z.output<Schema>,
    dataset: ServedDataset,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => unknown;
}

/** What the routes share: the datasets, and the clients' budget (one for all the routes). */
export interface PostRouteContext {
  registry: DatasetRegistry;
  budget: ClientBudget;
}

/** Registers POST `route.path`: validated, charged to the client's budget, then handled. */
export function postRoute<Schema extends NeuronRequestSchema>(
  app: FastifyInstance,
  { registry, budget }: PostRouteContext,
  route: PostRoute<Schema>,
) {
  app.post(route.path, routeOptions, async (request, reply) => {
    let body: z.output<Schema>;
    try {
      body = validate(route.schema, request.body);
    } catch (error) {
      await budget.charge(request.ip, REFUSED_REQUEST_CALLS);
      throw error;
    }
    await budget.charge(request.ip, route.calls(body));
    const dataset = await findNeuron(registry, body.dataset, body.layer, body.neuron);
    return route.handle(body, dataset, request, reply);
  });
}

/** The parsed body, or a 400 naming the first field at fault. */
function validate<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
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
async function findNeuron(
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
      { field: 'layer' },
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
