/**
 * `/datasets/`: the list of datasets, each dataset's manifest and the content-hashed files it names
 * (layer indexes, search files), and the per-neuron files read from each dataset's source. Nothing
 * else of a dataset folder is served (no notes, no ingest report unless SERVE_INGEST_REPORTS): a
 * request names one of these, or gets a 404. Only the five per-neuron path shapes reach a source,
 * with integer layer and neuron inside the dataset's layers; nothing in a request names a URL to
 * fetch. Every file is read as a regular file inside its folder (src/node/contained-files), never
 * through a link out of it. */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_LAYER_INDEX_BYTES } from '../../core/dataset/limits.ts';
import { publicDatasetFileText } from '../../core/dataset/public.ts';
import { parseNeuronFilePath } from '../../core/format/path.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { ContainedFileError, type ContainedFile } from '../../node/contained-files.ts';
import { SourceReadError } from '../../node/source.ts';
import { ApiError, notFound } from '../errors.ts';
import { isSafeRelativePath } from './paths.ts';
import type { DatasetRegistry, ServedDataset } from './registry.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Per-neuron files of a published source change rarely; revalidate after a few minutes. */
const NEURON_FILE_CACHE = 'public, max-age=300';
const INDEX_LIMIT = { bytes: MAX_LAYER_INDEX_BYTES, what: 'an index file' };
const REPORT_LIMIT = { bytes: 64 * 1024 * 1024, what: 'an ingest report' };
/** The hash in a layer index's name: the start of its content's SHA-256, in hex (see ingest). */
const NAMED_HASH = /\.([0-9a-f]+)\.json$/;

const gunzipAsync = promisify(gunzip);
const encodings = new Negotiator({ supportedValues: ['gzip'] });

export interface DatasetRoutesOptions {
  registry: DatasetRegistry;
  warn: (message: string) => void;
  /** Serve each dataset's ingest report (with its source made public); off by default. */
  serveIngestReports?: boolean;
}

export async function datasetRoutes(app: FastifyInstance, options: DatasetRoutesOptions) {
  const { registry } = options;
  const indexes = new VerifiedIndexes(options.warn);

  app.get('/datasets/index.json', async (request, reply) => {
    const body = JSON.stringify(await registry.datasetList());
    return sendWithEtag(request, reply, body, 'no-cache');
  });

  app.get<{ Params: { id: string; '*': string } }>('/datasets/:id/*', async (request, reply) => {
    const dataset = await registry.get(request.params.id);
    const path = request.params['*'];
    if (!dataset || !isSafeRelativePath(path)) throw notFound(request);

    if (path === 'manifest.json') {
      return sendWithEtag(request, reply, dataset.publicManifest, 'no-cache');
    }
    const neuronFile = parseNeuronFilePath(path);
    if (neuronFile) {
      const neurons = dataset.neuronsPerLayer.get(neuronFile.layer);
      if (neurons === undefined || neuronFile.neuron >= neurons) throw notFound(request);
      const canonical = neuronFilePath(neuronFile.kind, neuronFile.layer, neuronFile.neuron);
      return sendNeuronFile(request, reply, dataset, canonical);
    }
    if (dataset.hashedFiles.has(path)) {
      return indexes.send(request, reply, dataset, path);
    }
    if (options.serveIngestReports && path === dataset.manifest.report) {
      const report = await readDatasetFile(dataset, path, REPORT_LIMIT);
      if (report === null) throw notFound(request);
      const text = publicDatasetFileText(report.bytes.toString('utf8'));
      return sendWithEtag(request, reply, text, 'no-cache');
    }
    throw notFound(request);
  });

  async function sendNeuronFile(
    request: FastifyRequest,
    reply: FastifyReply,
    dataset: ServedDataset,
    path: string,
  ) {
    let text: string | null;
    try {
      text = await dataset.source.readPath(path);
    } catch (error) {
      if (!(error instanceof SourceReadError)) throw error;
      options.warn(`datasets/${dataset.id}/${path}: ${error.message}`);
      throw sourceError(dataset, path, error);
    }
    if (text === null) throw notFound(request);
    reply.header('vary', 'accept-encoding');
    return sendWithEtag(request, reply, text, NEURON_FILE_CACHE);
  }
}

/** A per-neuron file that exists but is not served, as the error the client gets. */
function sourceError(dataset: ServedDataset, path: string, error: SourceReadError): ApiError {
  const remote = dataset.source.kind === 'remote';
  const message = `Could not read ${path} of ${dataset.id}: ${error.message.slice(path.length + 2)}`;
  switch (error.problem) {
    case 'unsafe':
      return new ApiError(403, 'dataset_file', message, { retryable: false });
    case 'too_large':
      return new ApiError(remote ? 502 : 500, 'dataset_file', message, { retryable: false });
    case 'failed':
      return new ApiError(remote ? 502 : 500, 'dataset_file', message, { retryable: true });
  }
}

/** A file of the dataset folder itself, as the error the client gets when it may not be read. */
async function readDatasetFile(
  dataset: ServedDataset,
  path: string,
  limit: { bytes: number; what: string },
): Promise<ContainedFile | null> {
  try {
    return await dataset.folder.read(path, limit);
  } catch (error) {
    if (!(error instanceof ContainedFileError)) throw error;
    const status = error.problem === 'too_large' ? 500 : 403;
    throw new ApiError(status, 'dataset_file', `${path} of ${dataset.id}: ${error.detail}`, {
      retryable: false,
      cause: error,
    });
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const stampOf = ({ stat }: ContainedFile) => `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;

/**
 * Content-hashed files (layer indexes, search files), sent only when their content matches the hash
 * in their name: a file changed
 * after ingest would otherwise be cached for a year by every browser under a name that promises
 * other content. The gzipped copy is sent only when it holds the same bytes, so that every browser
 * gets the same data whether or not it takes gzip. Each check is done once per file version.
 */
class VerifiedIndexes {
  /** Per file path: the version (inode, size, time) checked, and its content's hash. */
  private readonly digests = new Map<string, { stamp: string; digest: string }>();
  private readonly warned = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  async send(request: FastifyRequest, reply: FastifyReply, dataset: ServedDataset, path: string) {
    const named = NAMED_HASH.exec(path)![1]!;
    const plain = await readDatasetFile(dataset, path, INDEX_LIMIT);
    if (plain === null) throw notFound(request);
    const digest = this.digestOf(`${dataset.dir}/${path}`, plain);
    if (!digest.startsWith(named)) {
      const message =
        `${path} of ${dataset.id} does not hold what its name says (its content's hash does not ` +
        `start with ${named}): it was changed after ingest. Ingest the dataset again.`;
      this.warnOnce(message);
      throw new ApiError(500, 'dataset_file', message, { retryable: false });
    }
    const etag = `"${named}"`;
    reply
      .header('etag', etag)
      .header('cache-control', IMMUTABLE)
      .header('vary', 'accept-encoding')
      .type('application/json; charset=utf-8');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    if (encodings.negotiate(request.headers['accept-encoding'] ?? '') === 'gzip') {
      const gzipped = await this.sameGzip(dataset, path, digest);
      if (gzipped) return reply.header('content-encoding', 'gzip').send(gzipped);
    }
    return reply.send(plain.bytes);
  }

  /** The .gz beside a layer index when it unzips to the same content; else null (said once). */
  private async sameGzip(dataset: ServedDataset, path: string, digest: string) {
    let gzipped: ContainedFile | null;
    try {
      gzipped = await dataset.folder.read(`${path}.gz`, INDEX_LIMIT);
    } catch (error) {
      if (!(error instanceof ContainedFileError)) throw error;
      this.warnOnce(`datasets/${dataset.id}/${error.message}; sending ${path} instead`);
      return null;
    }
    if (gzipped === null) return null;
    const key = `${dataset.dir}/${path}.gz`;
    const known = this.digests.get(key);
    let unzipped: string;
    if (known?.stamp === stampOf(gzipped)) {
      unzipped = known.digest;
    } else {
      try {
        const bytes = await gunzipAsync(gzipped.bytes, { maxOutputLength: INDEX_LIMIT.bytes });
        unzipped = sha256(bytes);
      } catch {
        unzipped = 'not gzip';
      }
      this.digests.set(key, { stamp: stampOf(gzipped), digest: unzipped });
    }
    if (unzipped === digest) return gzipped.bytes;
    this.warnOnce(
      `datasets/${dataset.id}/${path}.gz does not unzip to ${path}; sending ${path} to every client`,
    );
    return null;
  }

  private digestOf(key: string, file: ContainedFile): string {
    const stamp = stampOf(file);
    const known = this.digests.get(key);
    if (known?.stamp === stamp) return known.digest;
    const digest = sha256(file.bytes);
    this.digests.set(key, { stamp, digest });
    return digest;
  }

  private warnOnce(message: string) {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }
}

function sendWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
  cacheControl: string,
) {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  reply.header('etag', etag).header('cache-control', cacheControl);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}
