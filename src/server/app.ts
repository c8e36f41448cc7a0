/**
 * The server as a Fastify instance: the built app at `/`, datasets under `/datasets/`, the API under
 * `/api/`. `main.ts` starts it; tests call `buildServer` and use `inject` or a real port.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import { DatasetRegistry } from './datasets/registry.ts';
import { datasetRoutes } from './datasets/routes.ts';
import { notFound, sendApiError, toApiError } from './errors.ts';
import { healthRoutes } from './health.ts';
import { consoleLogger, type Logger } from './log.ts';
import type { Settings } from './settings.ts';

export interface ServerOptions {
  settings: Settings;
  logger?: Logger;
}

export interface Server {
  app: FastifyInstance;
  registry: DatasetRegistry;
}

export async function buildServer({
  settings,
  logger = consoleLogger,
}: ServerOptions): Promise<Server> {
  const app = Fastify({
    logger: false,
    bodyLimit: settings.BODY_LIMIT,
    trustProxy: settings.TRUST_PROXY,
    // Slow or stalled uploads are cut off; long simulations are bounded per route instead.
    requestTimeout: 30_000,
  });

  if (settings.LOG_REQUESTS) {
    app.addHook('onResponse', async (request, reply) => {
      logger.info(
        `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`,
      );
    });
  }

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') {
      logger.error(`${request.method} ${request.url}`, apiError.cause ?? error);
    }
    return sendApiError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => sendApiError(reply, notFound(request)));

  await app.register(fastifyCompress, { encodings: ['br', 'gzip'] });

  const registry = new DatasetRegistry(settings.DATA_DIR, {
    defaultDataset: settings.DEFAULT_DATASET,
    warn: logger.warn,
  });
  await app.register(datasetRoutes, { registry, warn: logger.warn });
  await app.register(healthRoutes, { settings, registry });

  if (existsSync(join(settings.APP_DIR, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: settings.APP_DIR,
      prefix: '/',
      cacheControl: false,
      // Vite names everything under assets/ by content hash.
      setHeaders(response, path) {
        response.setHeader(
          'cache-control',
          /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  } else {
    logger.warn(`no built app in ${settings.APP_DIR}; only /datasets/ and /api/ are served`);
  }

  return { app, registry };
}
