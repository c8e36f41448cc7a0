/**
 * POST /api/score and POST /api/improve: validated and charged to the client's budget as
 * /api/simulate is (api/post.ts; a full score costs more than a simulation), run by the scoring
 * engine, answered as /api/simulate does (api/send.ts: JSON or server-sent events, `progress`
 * per scorer, `explanation` for improve, then `result` or `error`; the request deadline, the
 * client leaving, a shutdown; errors by the one table of errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ScoreRequestSchema } from '../../core/api/score.ts';
import { postRoute, type PostRouteContext } from '../api/post.ts';
import { requestCalls } from '../api/rate-limit.ts';
import type { Sender } from '../api/send.ts';
import type { ScoringEngine } from './engine.ts';

export interface ScoreRoutesOptions extends PostRouteContext {
  scoring: ScoringEngine;
  /** Answers a run with JSON or events (see api/send.ts). */
  send: Sender;
}

export function scoreRoutes(app: FastifyInstance, options: ScoreRoutesOptions) {
  const { scoring, send } = options;

  postRoute(app, options, {
    path: '/api/score',
    schema: ScoreRequestSchema,
    calls: requestCalls.score,
    handle: (body, dataset, request, reply) =>
      send(request, reply, (run) => scoring.score({ ...body, dataset }, run)),
  });

  // The same body as a score request.
  postRoute(app, options, {
    path: '/api/improve',
    schema: ScoreRequestSchema,
    calls: requestCalls.improve,
    handle: (body, dataset, request, reply) =>
      send(request, reply, (run) => scoring.improve({ ...body, dataset }, run)),
  });
}
