/** `GET /api/health`: what the server is configured with (never the API key itself). */
import { z } from 'zod';

export const ProviderIdSchema = z.enum(['baseline', 'openai']);

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  simulator: z.object({ id: ProviderIdSchema, model: z.string() }),
  explainer: z.object({ id: ProviderIdSchema, model: z.string() }),
  /** The OpenAI-compatible server; used only when simulator or explainer is "openai". */
  openai: z.object({ baseUrl: z.string(), apiKeySet: z.boolean() }),
  datasets: z.object({ default: z.string(), ids: z.array(z.string()) }),
  limits: z.object({
    maxExplanationChars: z.number(),
    maxTexts: z.number(),
    maxTextTokens: z.number(),
    bodyLimitBytes: z.number(),
    rateLimit: z.object({ max: z.number(), windowMs: z.number() }),
    requestTimeoutMs: z.number(),
    upstreamTimeoutMs: z.number(),
    upstreamMaxRetries: z.number(),
    upstreamConcurrency: z.number(),
  }),
});
export type Health = z.infer<typeof HealthSchema>;
