/**
 * Every setting and limit of the server, in one place. Each is read from a command-line flag
 * (`--data-dir ./data`), else from the environment (`DATA_DIR=./data`), else its default.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_ANSWER_BYTES } from '../node/llm/answer.ts';
import { BREAKER_DEFAULTS } from '../node/llm/breaker.ts';

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
    help: 'simulations per client per window, over every POST /api route (a request counts by its LLM calls: a full score as 1.4)',
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
    help: 'upstream LLM calls in flight at once, shared fairly between clients',
  },
  UPSTREAM_MAX_ANSWER_BYTES: {
    schema: integer(64 * 1024, 1024 * 1024 * 1024).default(DEFAULT_MAX_ANSWER_BYTES),
    help: 'longest LLM answer read, in bytes; a longer one fails as soon as it passes this',
  },
  UPSTREAM_BREAKER_FAILURES: {
    schema: integer(1, 1_000_000).default(BREAKER_DEFAULTS.failures),
    help: 'upstream calls failing in a row after which calls pause (503 with Retry-After)',
  },
  UPSTREAM_BREAKER_COOLDOWN_MS: {
    schema: integer(100, 3_600_000).default(BREAKER_DEFAULTS.cooldownMs),
    help: 'how long upstream calls pause then, before they try the server again',
  },
  SHUTDOWN_GRACE_MS: {
    schema: integer(0, 600_000).default(10_000),
    help: 'on SIGTERM/SIGINT, how long running requests may finish before they are stopped',
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
    schema: z.string().optional().transform(trustedProxies),
    help: 'proxies in front of the server whose X-Forwarded-For entries are believed: their number (1 behind one load balancer) or addresses/CIDRs, comma-separated; false: none',
  },
  LOG_REQUESTS: { schema: flag.default(true), help: 'print one line per request' },
  // Several instances behind a load balancer, acting as one (docs/server.md, "Several instances").
  REDIS_URL: {
    schema: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).optional(),
    help: 'Redis shared by several instances: the result cache and the rate limit go through it (unset: this instance alone, SQLite and memory)',
  },
  REDIS_CACHE_TTL_S: {
    schema: integer(60, 10 * 365 * 86_400).default(30 * 86_400),
    help: 'how long a result stays in the shared cache in Redis, in seconds (its memory is bounded so; see docs/server.md)',
  },

  // What is served, to whom, and how a request may arrive (issue 13's hardening; docs/server.md).
  ALLOWED_HOSTS: {
    schema: z.string().optional().transform(allowedHosts),
    help: 'host names the server answers to (Host header), comma-separated, or * for any; on a loopback HOST the localhost names too; on another HOST, unset: any',
  },
  BODY_TIMEOUT_MS: {
    schema: integer(100, 600_000).default(10_000),
    help: 'longest a request body may take to arrive; a slower upload gets a 408',
  },
  SOURCE_CACHE_TTL_MS: {
    schema: integer(0, 30 * 86_400_000).default(600_000),
    help: "how long a remote source's cached file or miss is used before it is revalidated (ETag)",
  },
  SERVE_INGEST_REPORTS: {
    schema: flag.default(false),
    help: "serve each dataset's ingest-report.json (source path left out)",
  },
  // GPT-2 checkpoints the browser can run (src/server/models).
  MODEL_ORIGINS: {
    schema: z
      .string()
      .default('https://huggingface.co https://*.huggingface.co https://*.hf.co')
      .transform(modelOrigins),
    help: "origins the browser may download model weights from besides this server (the page's Content-Security-Policy connect-src), space-separated; Hugging Face and its file hosts by default",
  },
  MODELS_DIR: {
    schema: z.string().min(1).default('./models'),
    help: 'folder holding one folder per model (config.json + model.safetensors), served under /models/',
  },
} as const;

const OFF = ['false', '0', 'no', 'off'];
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY as Fastify takes it: false, a number of hops, or addresses. Never "trust every hop",
 * which takes the client's own left-most X-Forwarded-For entry as its address (so a client could
 * name any address and slip past the rate limit).
 */
function trustedProxies(
  value: string | undefined,
  context: z.RefinementCtx,
): false | number | string[] {
  if (value === undefined || OFF.includes(value.trim().toLowerCase())) return false;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops <= 32) return hops;
  }
  if (['true', 'yes', 'on'].includes(text.toLowerCase())) {
    context.addIssue({
      code: 'custom',
      message:
        "true would believe every X-Forwarded-For entry, the client's own included; give the number of proxies in front of the server (1 behind one load balancer) or their addresses",
    });
    return z.NEVER;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => {
    if (PROXY_NAMES.includes(entry)) return false;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (bad.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `not a number of proxies (0-32), an address, a CIDR range or one of ${PROXY_NAMES.join(', ')}: ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
}

/** ALLOWED_HOSTS as a list of lower-case names without ports; '*' for any; undefined when unset. */
function allowedHosts(value: string | undefined, context: z.RefinementCtx): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const names = value.split(',').map((name) => name.trim().toLowerCase().replace(/\.$/, ''));
  const bad = names.filter((name) => name !== '*' && !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(name));
  if (bad.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `not host names (no scheme or port): ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return names;
}

function modelOrigins(value: string, context: z.RefinementCtx): string[] {
  const origins = value.split(/[\s,]+/).filter((origin) => origin !== '');
  const bad = origins.filter((origin) => !/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/i.test(origin));
  if (bad.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `not origins (scheme://host[:port], host may start with *.): ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return origins;
}

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
    MODELS_DIR: resolve(cwd, parsed.MODELS_DIR),
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
