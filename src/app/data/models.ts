/**
 * Query hooks for the model pages ("Your text", the neuron page's model sections): the server's
 * models (GET models/index.json) and the dataset's token index (its head, and one shard per query).
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { datasetFileUrl } from '../../core/address/address.ts';
import { ModelListSchema, type ModelList } from '../../core/api/models.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import type { TokenIndexHead } from '../../core/tokens-index/format.ts';
import {
  parseTokenIndexHead,
  parseTokenShard,
  shardPathFor,
  type TokenShard,
} from '../../core/tokens-index/query.ts';
import { fetchText, FetchError } from './http.ts';

/** The list of models, where the server (or a static host) serves it. */
const MODELS_LIST = 'models/index.json';

export const modelQueryKeys = {
  serverModels: () => ['server-models'] as const,
  tokenIndex: (dataset: string, path: string) => ['token-index', dataset, path] as const,
  tokenShard: (dataset: string, path: string) => ['token-shard', dataset, path] as const,
};

/**
 * The models the server holds (MODELS_DIR); an empty list where the host has none (a static
 * host without models answers 404, or with a page that is not the list).
 */
export const serverModelsQuery = () =>
  queryOptions({
    queryKey: modelQueryKeys.serverModels(),
    queryFn: async ({ signal }): Promise<ModelList> => {
      let text: string;
      try {
        text = await fetchText(MODELS_LIST, { cache: 'no-cache', signal });
      } catch (error) {
        if (error instanceof FetchError && error.status !== null && error.status < 500) {
          return { models: [], problems: [] };
        }
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { models: [], problems: [] };
      }
      const parsed = ModelListSchema.safeParse(json);
      if (!parsed.success)
        throw new Error('api/models: the server sent a list the app cannot read');
      return parsed.data;
    },
    staleTime: 60_000,
    retry: 1,
  });

export function useServerModels() {
  return useQuery(serverModelsQuery());
}

export const tokenIndexQuery = (dataset: string, path: string) =>
  queryOptions({
    queryKey: modelQueryKeys.tokenIndex(dataset, path),
    queryFn: async (): Promise<TokenIndexHead> =>
      parseTokenIndexHead(await fetchText(datasetFileUrl(dataset, path)), path),
    staleTime: Infinity,
  });

/** The dataset's token index head; `data` is null when ingest wrote none. */
export function useTokenIndex(dataset: string, manifest: DatasetManifest | undefined) {
  const path = manifest?.search?.tokens;
  const query = useQuery({
    ...tokenIndexQuery(dataset, path ?? ''),
    enabled: path !== undefined,
  });
  return { ...query, absent: manifest !== undefined && path === undefined };
}

/** The shard holding `token`'s key, once the head is in and the token is not empty. */
export function useTokenShard(dataset: string, head: TokenIndexHead | undefined, token: string) {
  const path = head && token !== '' ? shardPathFor(head, token) : null;
  const shard = path === null ? -1 : head!.shards.indexOf(path);
  return useQuery({
    queryKey: modelQueryKeys.tokenShard(dataset, path ?? ''),
    queryFn: async (): Promise<TokenShard> =>
      parseTokenShard(await fetchText(datasetFileUrl(dataset, path!)), path!, {
        shard,
        shards: head!.shards.length,
      }),
    enabled: path !== null,
    staleTime: Infinity,
    // A shard is a few hundred KB: a handful are kept for the session, not all.
    gcTime: 5 * 60_000,
  });
}
