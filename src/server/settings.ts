/**
 * Every setting and limit of the server, in one place. Each is read from a command-line flag
 * (`--data-dir ./data`), else from the environment (`DATA_DIR=./data`), else its default.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { z } from 'zod';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

/** The settings, each with its description (shown by `--help` and in docs/server.md). */
export const SETTINGS = {
  PORT: { schema: integer(0, 65535).default(8080), help: 'TCP port to listen on' },
  HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    help: 'interface to listen on (0.0.0.0 for every interface)',
  },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    help: 'folder holding one folder per dataset (each with a manifest.json)',
  },
  DEFAULT_DATASET: {
    schema: z.string().min(1).optional(),
    help: 'dataset opened by release-form links (#/layers/L/neurons/N)',
  },
  APP_DIR: {
    schema: z.string().min(1).default('./dist'),
    help: 'built app to serve; built with Vite on start when index.html is missing',
  },
  SIMULATOR: {
    schema: z.enum(['baseline', 'openai']).optional(),
    help: 'simulator for /api/simulate: openai when OPENAI_API_KEY is set, else baseline',
  },
  OPENAI_API_KEY: {
    schema: z.string().min(1).optional(),
    help: 'key for the OpenAI-compatible server (never sent to the browser)',
  },
  OPENAI_BASE_URL: {
    schema: z.url().default('https://api.openai.com/v1'),
    help: 'OpenAI-compatible API base URL (OpenAI, vLLM, llama.cpp server, Ollama)',
  },
  SIMULATOR_MODEL: {
    schema: z.string().min(1).default('gpt-4o-mini'),
    help: 'chat model that simulates activations',
  },
  JUDGE_MODEL: {
    schema: z.string().min(1).optional(),
    help: 'chat model that judges detection and fuzzing examples (default: SIMULATOR_MODEL)',
  },
  EXPLAINER_MODEL: {
    schema: z.string().min(1).default('gpt-4o'),
    help: 'chat model that writes explanations',
  },
  CACHE_DIR: {
    schema: z.string().min(1).default('./.cache'),
    help: 'simulation cache (SQLite) and cached remote dataset files',
  },
  BODY_LIMIT: {
    schema: integer(1024, 10 * 1024 * 1024).default(64 * 1024),
    help: 'largest API request body, in bytes',
  },
  RATE_LIMIT_MAX: {
    schema: integer(1, 1_000_000).default(30),
    help: 'simulate/explain requests per client per window',
  },
  RATE_LIMIT_WINDOW_MS: {
    schema: integer(1000, 86_400_000).default(60_000),
    help: 'rate-limit window, in milliseconds',
  },
  REQUEST_TIMEOUT_MS: {
    schema: integer(1000, 3_600_000).default(180_000),
    help: 'longest a simulate/explain request may take',
  },
  UPSTREAM_TIMEOUT_MS: {
    schema: integer(100, 3_600_000).default(60_000),
    help: 'longest one upstream LLM call may take before it is retried',
  },
  UPSTREAM_MAX_RETRIES: {
    schema: integer(0, 10).default(3),
    help: 'retries of an upstream call after a 429, a 5xx or a timeout',
  },
  UPSTREAM_BACKOFF_MS: {
    schema: integer(0, 60_000).default(500),
    help: 'first retry delay when the server gives no Retry-After; doubles each retry (max 8 s)',
  },
  UPSTREAM_CONCURRENCY: {
    schema: integer(1, 1024).default(16),
    help: 'upstream LLM calls in flight at once, over all clients',
  },
  ANSWER_THREADS: {
    schema: integer(0, 64).default(Math.min(4, availableParallelism() - 1)),
    help: 'worker threads that read LLM answers when many are in flight (0: all on the main thread); default: cores - 1, at most 4',
  },
  CACHE_MAX_ENTRIES: {
    schema: integer(100, 100_000_000).default(200_000),
    help: 'simulation results (and, separately, record simulations) kept in the cache',
  },
  TRUST_PROXY: {
    schema: flag.default(false),
    help: 'trust X-Forwarded-For (behind a load balancer) for client addresses',
  },
  LOG_REQUESTS: { schema: flag.default(true), help: 'print one line per request' },
} as const;

export type SettingName = keyof typeof SETTINGS;

type Parsed = { [K in SettingName]: z.output<(typeof SETTINGS)[K]['schema']> };

export interface Settings extends Omit<Parsed, 'SIMULATOR'> {
  /** Resolved: openai when a key is set and SIMULATOR is not given. */
  SIMULATOR: 'baseline' | 'openai';
}

/** A setting that cannot be used, naming the setting and the problem. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const flagName = (name: string) => name.toLowerCase().replaceAll('_', '-');

/**
 * Reads the settings from flags, then the environment, then defaults. Paths are resolved against
 * `cwd`. Throws SettingsError naming every bad setting.
 */
export function loadSettings(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Settings {
  const names = Object.keys(SETTINGS) as SettingName[];
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: Object.fromEntries(names.map((name) => [flagName(name), { type: 'string' }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new SettingsError(`${(error as Error).message} (see --help)`);
  }
  const raw: Record<string, unknown> = {};
  for (const name of names) {
    const fromFlag = flags[flagName(name)];
    const value = typeof fromFlag === 'string' ? fromFlag : env[name];
    raw[name] = value === '' ? undefined : value;
  }
  const schema = z.object(
    Object.fromEntries(names.map((name) => [name, SETTINGS[name].schema])) as {
      [K in SettingName]: (typeof SETTINGS)[K]['schema'];
    },
  );
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')} (--${flagName(String(issue.path[0]))}): ${issue.message}`,
    );
    throw new SettingsError(`Bad settings:\n  ${problems.join('\n  ')}`);
  }
  const parsed = result.data as Parsed;
  return {
    ...parsed,
    SIMULATOR: parsed.SIMULATOR ?? (parsed.OPENAI_API_KEY ? 'openai' : 'baseline'),
    DATA_DIR: resolve(cwd, parsed.DATA_DIR),
    APP_DIR: resolve(cwd, parsed.APP_DIR),
    CACHE_DIR: resolve(cwd, parsed.CACHE_DIR),
  };
}

/** The `--help` text: every setting, its flag, its default. */
export function settingsHelp(): string {
  const lines = [
    'Usage: npm start -- [--setting value ...]',
    '',
    'Settings (flag or environment):',
  ];
  for (const [name, { schema, help }] of Object.entries(SETTINGS)) {
    const fallback = schema.safeParse(undefined);
    const shown = fallback.success && fallback.data !== undefined ? ` [${fallback.data}]` : '';
    lines.push(`  --${flagName(name).padEnd(22)} ${name.padEnd(22)} ${help}${shown}`);
  }
  return lines.join('\n');
}

/** The base URL without any credentials in it, for logs and /api/health. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
