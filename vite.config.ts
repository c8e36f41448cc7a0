import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';
import { BUILD_BROTLI, BUILD_GZIP } from './src/node/app-build.ts';

const serverPort = Number(process.env.PORT ?? 8080);

type Chunk = Extract<Rolldown.OutputBundle[string], { type: 'chunk' }>;

/**
 * The built files a module needs, less those already loaded: its chunk and the chunks it imports,
 * all the way down, and every one of those chunks' CSS. Vite waits for a chunk's CSS before it
 * runs the chunk, so a stylesheet left out of a preload list would be fetched only then.
 */
function filesOf(
  chunks: Map<string, Chunk>,
  module: string,
  loaded: ReadonlySet<string>,
): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  const start = [...chunks.values()].find((chunk) => chunk.facadeModuleId?.endsWith(module));
  const visit = (fileName: string) => {
    const chunk = chunks.get(fileName);
    if (!chunk || loaded.has(fileName) || scripts.includes(fileName)) return;
    scripts.push(fileName);
    for (const css of chunk.viteMetadata?.importedCss ?? []) {
      if (!styles.includes(css) && !loaded.has(css)) styles.push(css);
    }
    chunk.imports.forEach(visit);
  };
  if (start) visit(start.fileName);
  return { scripts, styles };
}

/**
 * What index.html preloads: the app (src/app/start.tsx, which the entry imports once the first
 * screen is drawn) for every page, and the neuron page's code for a neuron permalink, as [rel,
 * href] pairs for the early-fetch script.
 */
function preloads(bundle: Rolldown.OutputBundle | undefined) {
  const chunks = new Map(
    Object.values(bundle ?? {})
      .filter((output): output is Chunk => output.type === 'chunk')
      .map((chunk) => [chunk.fileName, chunk]),
  );
  const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
  const withEntry = new Set([
    entry?.fileName ?? '',
    ...(entry?.imports ?? []),
    ...(entry?.viteMetadata?.importedCss ?? []),
  ]);
  const app = filesOf(chunks, '/src/app/start.tsx', withEntry);
  const withApp = new Set([...withEntry, ...app.scripts, ...app.styles]);
  const page = filesOf(chunks, '/src/app/neuron/NeuronPage.tsx', withApp);
  const pairs = ({ scripts, styles }: { scripts: string[]; styles: string[] }) => [
    ...scripts.map((file): [string, string] => ['modulepreload', `./${file}`]),
    ...styles.map((file): [string, string] => ['style', `./${file}`]),
  ];
  return { app: pairs(app), neuronPage: pairs(page) };
}

/** src/app/early-fetch.ts and what it imports, as one small classic script. */
async function bundleEarlyFetch(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: {
        entry: fileURLToPath(new URL('./src/app/early-fetch.ts', import.meta.url)),
        formats: ['iife'],
        name: 'earlyFetch',
      },
    },
  });
  const [result] = Array.isArray(output) ? output : [output];
  const chunk = (result as { output?: { type: string; code?: string }[] }).output?.find(
    (file) => file.type === 'chunk',
  );
  if (!chunk?.code) throw new Error('bundling src/app/early-fetch.ts gave no code');
  return chunk.code.trim();
}

/**
 * Writes the early-fetch script (src/app/early-fetch.ts, bundled) into index.html's head in place
 * of its `<!-- early-fetch -->` comment, with the neuron page's built files filled in, so that a
 * permalink's data and page code download alongside the entry chunk instead of after it has run.
 */
function earlyFetch(): Plugin {
  let script: Promise<string> | null = null;
  return {
    name: 'neuron-explorer:early-fetch',
    transformIndexHtml: {
      order: 'post',
      async handler(html, context) {
        script ??= bundleEarlyFetch();
        const files = preloads(context.bundle);
        const code = (await script)
          .replace(/([`'"])__APP_FILES__\1/, JSON.stringify(files.app))
          .replace(/([`'"])__NEURON_PAGE_FILES__\1/, JSON.stringify(files.neuronPage));
        return html.replace('<!-- early-fetch -->', `<script>${code}</script>`);
      },
    },
  };
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes a brotli (.br) and a gzip (.gz) copy of each built text file beside it, at the highest
 * settings, for the server to send as they are (@fastify/static's preCompressed): compressing the
 * entry chunk on each request took the server 30-40 ms of CPU on the way to every cold first paint.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'neuron-explorer:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((file) => /\.(js|css|html|svg|json)$/.test(file));
      await Promise.all(
        files.map(async (file) => {
          const path = join(outDir, file);
          const content = await readFile(path);
          if (content.length < 1024) return;
          const [br, gz] = await Promise.all([
            brotli(content, BUILD_BROTLI),
            gzipped(content, BUILD_GZIP),
          ]);
          await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gz)]);
        }),
      );
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), earlyFetch(), precompress()],
  build: {
    target: 'es2022',
    // No source maps: the server would publish the sources (and their paths) with them, and
    // the built code is what the e2e tests and benchmarks run. Set true locally to debug a build.
    sourcemap: false,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: {
    // `npm run dev` serves the app with hot reload; data and API come from `npm start`.
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/datasets': `http://127.0.0.1:${serverPort}`,
    },
  },
  test: {
    // The second fails the run when tests that need the real data skip although it is here.
    reporters: ['default', './tests/support/real-data-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{core,node,server,cli}/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          exclude: ['**/*.processes.test.ts', '**/node_modules/**'],
        },
      },
      {
        // Tests that run several processes of their own (batch jobs killed and resumed, workers
        // on a Redis queue): after the others, one file at a time, so that the load they make
        // does not push the others' timings past their limits on a 2-core machine.
        extends: true,
        test: {
          name: 'processes',
          environment: 'node',
          include: ['src/**/*.processes.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'app',
          environment: 'happy-dom',
          include: ['src/app/**/*.test.{ts,tsx}'],
          setupFiles: ['tests/setup-app.ts'],
        },
      },
    ],
  },
});
