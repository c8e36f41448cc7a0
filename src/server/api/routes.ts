/**
 * POST /api/simulate and POST /api/explain: validated and charged to the client's budget
 * (post.ts), run by the simulation engine, answered with JSON or a stream of server-sent events
 * (Accept: text/event-stream; see send.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ExplainRequestSchema, SimulateRequestSchema } from '../../core/api/simulate.ts';
import type { SimulationEngine } from '../simulation/engine.ts';
import { gpt2TokensOfTexts } from '../simulation/tokenize.ts';
import { postRoute, type PostRouteContext } from './post.ts';
import { requestCalls } from './rate-limit.ts';
import type { Sender } from './send.ts';

export interface ApiRoutesOptions extends PostRouteContext {
  engine: SimulationEngine;
  /** Answers a run with JSON or events (see send.ts). */
  send: Sender;
}

export function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions) {
  const { engine, send } = options;

  postRoute(app, options, {
    path: '/api/simulate',
    schema: SimulateRequestSchema,
    calls: requestCalls.simulate,
    handle: (body, dataset, request, reply) => {
      const texts = body.texts ? gpt2TokensOfTexts(body.texts) : undefined;
      const job = {
        dataset,
        layer: body.layer,
        neuron: body.neuron,
        explanation: body.explanation,
      };
      return send(request, reply, (run) => engine.simulate(texts ? { ...job, texts } : job, run));
    },
  });

  postRoute(app, options, {
    path: '/api/explain',
    schema: ExplainRequestSchema,
    calls: requestCalls.explain,
    handle: (body, dataset, request, reply) =>
      send(request, reply, (run) =>
        engine.explain({ dataset, layer: body.layer, neuron: body.neuron }, run),
      ),
  });
}
