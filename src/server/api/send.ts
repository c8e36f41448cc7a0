/**
 * How the API answers a long run (a simulation, an explanation, a score): bounded by
 * REQUEST_TIMEOUT_MS, stopped when the client leaves or the server shuts down, on behalf of the
 * client's address (upstream capacity is shared fairly between clients), answered with JSON or a
 * stream of server-sent events (Accept: text/event-stream): `progress`, `explanation`, then
 * `result` or `error`. Failures answer by the one table in errors.ts.
 */
import { setMaxListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExplanationEvent } from '../../core/api/simulate.ts';
import { formatSseEvent, SSE_CONTENT_TYPE } from '../../core/api/sse.ts';
import { ClientGone, failRequest, RequestTimeout, ShuttingDown } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Settings } from '../settings.ts';
import type { SimulationReply } from '../simulation/engine.ts';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** What a run is given: its signal, who asked, and where its progress goes. */
export interface RunContext<P> {
  signal: AbortSignal;
  /** Who asked (the client's address): upstream capacity is shared fairly between clients. */
  client?: string;
  onProgress?: (progress: P) => void;
  onExplanation?: (event: ExplanationEvent) => void;
}

/** What a route runs: the work for one request, as JSON text or a reply to send. */
export type Task<P> = (options: RunContext<P>) => Promise<string | SimulationReply>;

export type Sender = ReturnType<typeof createSender>;

/**
 * The simulations and explanations running now, so that a shutdown can stop them: each then
 * answers (a 503, or an `error` event on its stream) before its connection closes.
 */
export class OpenRuns {
  private readonly controllers = new Set<AbortController>();

  get size(): number {
    return this.controllers.size;
  }

  add(controller: AbortController): void {
    this.controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.controllers.delete(controller);
  }

  /** Stops every run; each answers that the server is shutting down. Returns how many. */
  stopAll(): number {
    for (const controller of this.controllers) controller.abort(new ShuttingDown());
    return this.controllers.size;
  }
}

export function createSender({
  settings,
  logger,
  runs,
}: {
  settings: Settings;
  logger: Logger;
  runs: OpenRuns;
}) {
  /** The task's result as JSON, or as a stream of events when the client asks for one. */
  return function send<P>(request: FastifyRequest, reply: FastifyReply, task: Task<P>) {
    const run = startRun(request, reply);
    return (request.headers.accept ?? '').includes(SSE_CONTENT_TYPE)
      ? sendEvents(request, reply, run, task)
      : sendJson(request, reply, run, task);
  };

  /**
   * A run's signal and its end: stopped at the deadline, when the client leaves, or when the
   * server shuts down; on behalf of the client's address (upstream capacity is shared by it).
   */
  function startRun(request: FastifyRequest, reply: FastifyReply) {
    const controller = new AbortController();
    // Every upstream call of the request (20 or more) listens to this signal.
    setMaxListeners(500, controller.signal);
    const timer = setTimeout(
      () => controller.abort(new RequestTimeout(settings.REQUEST_TIMEOUT_MS)),
      settings.REQUEST_TIMEOUT_MS,
    );
    runs.add(controller);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new ClientGone());
    });
    // A client that left before the run started (its request waited behind others) has closed
    // its connection already: the close event above will not come.
    if (request.raw.socket.destroyed) controller.abort(new ClientGone());
    const { signal } = controller;
    return {
      options: { signal, client: request.ip },
      finished() {
        clearTimeout(timer);
        runs.delete(controller);
      },
      /** What the run's failure answers: why it was stopped, if it was, else what it threw. */
      failure: (error: unknown) =>
        failRequest(request, signal.aborted ? signal.reason : error, logger),
      clientGone: () => signal.reason instanceof ClientGone,
    };
  }

  async function sendJson<P>(
    request: FastifyRequest,
    reply: FastifyReply,
    run: ReturnType<typeof startRun>,
    task: Task<P>,
  ) {
    try {
      const result = await task(run.options);
      const { json, gzipped } = typeof result === 'string' ? { json: result } : result;
      reply.type('application/json; charset=utf-8').header('cache-control', 'no-store');
      if (gzipped && acceptsGzip(request)) {
        return reply
          .header('content-encoding', 'gzip')
          .header('vary', 'accept-encoding')
          .send(gzipped());
      }
      return reply.send(json);
    } catch (error) {
      throw run.failure(error);
    } finally {
      run.finished();
    }
  }

  /**
   * Progress events as they happen, then the result or an error. Results are tens of KB, so the
   * stream is gzipped when the client takes it, and flushed after each event.
   */
  function sendEvents<P>(
    request: FastifyRequest,
    reply: FastifyReply,
    run: ReturnType<typeof startRun>,
    task: Task<P>,
  ) {
    const gzip = acceptsGzip(request) ? createGzip({ level: 1 }) : null;
    const stream = gzip ?? new PassThrough();
    const write = (text: string) => {
      if (stream.writableEnded) return;
      stream.write(text);
      gzip?.flush();
    };
    const event = (event: { event: string; data: unknown }) => write(formatSseEvent(event));
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    reply
      .type(`${SSE_CONTENT_TYPE}; charset=utf-8`)
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(stream);
    void task({
      ...run.options,
      onProgress: (data) => event({ event: 'progress', data }),
      onExplanation: (data) => event({ event: 'explanation', data }),
    })
      .then(
        (result) =>
          write(`event: result\ndata: ${typeof result === 'string' ? result : result.json}\n\n`),
        (error: unknown) => {
          if (run.clientGone()) return;
          event({ event: 'error', data: run.failure(error).body });
        },
      )
      .finally(() => {
        run.finished();
        clearInterval(heartbeat);
        stream.end();
      });
    return reply;
  }
}

/** Whether the client takes gzip (Accept-Encoding, with its q-values and wildcard). */
function acceptsGzip(request: FastifyRequest): boolean {
  return negotiate(request.headers['accept-encoding'] ?? '', ['gzip']) === 'gzip';
}
