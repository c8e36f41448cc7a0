/** `GET /api/health`: what is configured, so a user or a probe can see it at a glance. */
import type { FastifyInstance } from 'fastify';
import { HealthSchema, type Health } from '../core/api/health.ts';
import { MAX_EXPLANATION_CHARS, MAX_TEXT_TOKENS, MAX_TEXTS } from '../core/api/limits.ts';
import type { DatasetRegistry } from './datasets/registry.ts';
import { originOf } from './redact.ts';
import type { Settings } from './settings.ts';
import type { SimulationEngine } from './simulation/engine.ts';

const VERSION = process.env.npm_package_version ?? '0.1.0';

export async function healthRoutes(
  app: FastifyInstance,
  {
    settings,
    registry,
    engine,
  }: { settings: Settings; registry: DatasetRegistry; engine: SimulationEngine },
) {
  app.get('/api/health', async (_request, reply) => {
    const list = await registry.datasetList();
    const health: Health = {
      status: 'ok',
      version: VERSION,
      simulator: { id: engine.simulator.id, model: engine.simulator.model },
      explainer: { id: engine.explainer.id, model: engine.explainer.model },
      openai: {
        // Scheme and host only: no credentials, path or query.
        baseUrl: originOf(settings.OPENAI_BASE_URL),
        apiKeySet: settings.OPENAI_API_KEY !== undefined,
      },
      datasets: { default: list.default, ids: list.datasets.map((dataset) => dataset.id) },
      limits: {
        maxExplanationChars: MAX_EXPLANATION_CHARS,
        maxTexts: MAX_TEXTS,
        maxTextTokens: MAX_TEXT_TOKENS,
        bodyLimitBytes: settings.BODY_LIMIT,
        rateLimit: { max: settings.RATE_LIMIT_MAX, windowMs: settings.RATE_LIMIT_WINDOW_MS },
        requestTimeoutMs: settings.REQUEST_TIMEOUT_MS,
        upstreamTimeoutMs: settings.UPSTREAM_TIMEOUT_MS,
        upstreamMaxRetries: settings.UPSTREAM_MAX_RETRIES,
        upstreamConcurrency: settings.UPSTREAM_CONCURRENCY,
      },
    };
    reply.header('cache-control', 'no-store');
    return HealthSchema.parse(health);
  });
}
