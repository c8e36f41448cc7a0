/**
 * `GET models/index.json` (also `/api/models`): the GPT-2 checkpoints the server has in
 * MODELS_DIR, each served at `models/<id>/config.json` and `models/<id>/model.safetensors` (HTTP
 * ranges supported).
 */
import { z } from 'zod';

export const ServerModelSchema = z.object({
  /** The folder's name, which a dataset manifest's `model` names (e.g. "gpt2-xl", "demo"). */
  id: z.string(),
  layers: z.number(),
  heads: z.number(),
  embd: z.number(),
  /** MLP neurons per layer. */
  neuronsPerLayer: z.number(),
  positions: z.number(),
  vocab: z.number(),
  /** Size of model.safetensors. */
  bytes: z.number(),
  /** Changes whenever either file changes (size and modification time): the browser's cache key. */
  version: z.string(),
});
export type ServerModel = z.infer<typeof ServerModelSchema>;

export const ModelListSchema = z.object({
  models: z.array(ServerModelSchema),
  /** Folders in MODELS_DIR that are not usable models, with why (a missing or broken file). */
  problems: z.array(z.object({ id: z.string(), problem: z.string() })),
});
export type ModelList = z.infer<typeof ModelListSchema>;
