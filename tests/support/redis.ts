/**
 * A real redis-server for tests and benchmarks, on a free port of the project's range, with no
 * persistence, stopped by the caller. Null when the binary is absent (CI installs it: .ci/run),
 * and the caller skips, saying so loudly.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePortInRange } from './ports.ts';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export function redisServerMissing(): boolean {
  const missing = !existsSync(REDIS_SERVER);
  if (missing) {
    console.warn(
      `\n*** ${REDIS_SERVER} is not installed: the Redis queue tests are SKIPPED (apt-get install redis-server; CI installs it) ***\n`,
    );
  }
  return missing;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(String(data).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/** On `port` when given (a Redis started again where one was stopped), else on a free one. */
export async function startRedis(port?: number): Promise<TestRedis> {
  port ??= await freePortInRange();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let tries = 0; !(await answers(port)); tries += 1) {
    if (tries > 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
