/**
 * The app's page, index.html, with the default dataset named in it (withDefaultDataset): its
 * early-fetch script then asks for a release-form permalink's files at once, not after the
 * dataset list has answered (one round trip fewer before the first screen). Compressed once per
 * default dataset, at the build's levels, not on every request. The other built files are served
 * as they are (fastify-static, in app.ts).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Negotiator } from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withDefaultDataset } from '../core/address/address.ts';
import { compressLikeTheBuild } from '../node/app-build.ts';
import type { DatasetRegistry } from './datasets/registry.ts';

interface Page {
  etag: string;
  bodies: Record<'identity' | 'br' | 'gzip', Buffer>;
}

const encodings = new Negotiator({ supportedValues: ['br', 'gzip'] });

export async function appPageRoutes(
  app: FastifyInstance,
  { appDir, registry }: { appDir: string; registry: DatasetRegistry },
) {
  // Read once, as the CSP's hashes of its inline scripts are (securityHeaders).
  const html = await readFile(join(appDir, 'index.html'), 'utf8');
  // By default dataset: one entry, or a few if datasets come and go while the server runs.
  const pages = new Map<string, Page>();
  const pageFor = (dataset: string): Page => {
    let page = pages.get(dataset);
    if (!page) {
      const identity = Buffer.from(dataset ? withDefaultDataset(html, dataset) : html);
      const { br, gz } = compressLikeTheBuild(identity);
      page = {
        etag: `"${createHash('sha1').update(identity).digest('base64url')}"`,
        bodies: { identity, br, gzip: gz },
      };
      pages.set(dataset, page);
    }
    return page;
  };

  const send = async (request: FastifyRequest, reply: FastifyReply) => {
    const page = pageFor((await registry.datasetList()).default);
    reply
      .header('etag', page.etag)
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding')
      .type('text/html; charset=utf-8');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    const encoding = encodings.negotiate(request.headers['accept-encoding'] ?? '');
    if (encoding === 'br' || encoding === 'gzip') {
      return reply.header('content-encoding', encoding).send(page.bodies[encoding]);
    }
    return reply.send(page.bodies.identity);
  };
  app.get('/', send);
  app.get('/index.html', send);
}
