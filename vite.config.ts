import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const serverPort = Number(process.env.PORT ?? 8080);

export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: true,
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
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{core,node,server,cli}/**/*.test.ts', 'tests/unit/**/*.test.ts'],
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
