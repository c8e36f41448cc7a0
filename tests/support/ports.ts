/** Servers that tests and benchmarks start listen on a free port of this project's range. */
import type { Server } from 'node:http';

/** TEST_PORT_RANGE=first-last moves the range (e.g. for a run beside others on a shared machine). */
function rangeFromEnv(text: string | undefined): { first: number; last: number } | null {
  const match = /^(\d+)-(\d+)$/.exec(text?.trim() ?? '');
  if (!match) return null;
  const [first, last] = [Number(match[1]), Number(match[2])];
  return first > 0 && first <= last && last < 65536 ? { first, last } : null;
}

export const PORT_RANGE = rangeFromEnv(process.env.TEST_PORT_RANGE) ?? { first: 8100, last: 8199 };

/**
 * Listens on the first free port of the range, from a start that differs by process (so that test
 * files running at once in several processes rarely try the same ports); returns the port.
 */
export async function listenInRange(server: Server, host = '127.0.0.1'): Promise<number> {
  const size = PORT_RANGE.last - PORT_RANGE.first + 1;
  const start = process.pid % size;
  for (let i = 0; i < size; i++) {
    const port = PORT_RANGE.first + ((start + i) % size);
    const listening = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') resolve(false);
        else reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(true);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
    if (listening) return port;
  }
  throw new Error(`no free port in ${PORT_RANGE.first}-${PORT_RANGE.last}`);
}

/** A free port of the range, for a server that listens by itself (e.g. Fastify's listen). */
export async function freePortInRange(): Promise<number> {
  const { createServer } = await import('node:http');
  const probe = createServer();
  const port = await listenInRange(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
