import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

const serverPort = Number(process.env.PORT ?? 8080);

/**
 * Gives index.html's early-fetch script the built files of the neuron page (its chunk, the chunks
 * it imports, its CSS) in place of '__NEURON_PAGE_FILES__', so that a permalink downloads them
 * alongside the entry chunk instead of after it has run.
 */
function neuronPageFiles(): Plugin {
  return {
    name: 'neuron-explorer:neuron-page-files',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const chunks = Object.values(context.bundle ?? {}).filter(
          (output) => output.type === 'chunk',
        );
        const page = chunks.find((chunk) =>
          chunk.facadeModuleId?.endsWith('/src/app/neuron/NeuronPage.tsx'),
        );
        if (!page) return html;
        const entry = chunks.find((chunk) => chunk.isEntry)?.fileName;
        const scripts = [page.fileName, ...page.imports.filter((file) => file !== entry)];
        const styles = [...(page.viteMetadata?.importedCss ?? [])];
        const files = [
          ...scripts.map((file) => ['modulepreload', `./${file}`]),
          ...styles.map((file) => ['style', `./${file}`]),
        ];
        return html.replace("'__NEURON_PAGE_FILES__'", JSON.stringify(files));
      },
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), neuronPageFiles()],
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
