import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError, settingsHelp } from './settings.ts';

describe('loadSettings', () => {
  it('uses defaults, resolving paths against the working directory', () => {
    const settings = loadSettings([], {}, '/srv/app');
    expect(settings).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      DATA_DIR: '/srv/app/data',
      CACHE_DIR: '/srv/app/.cache',
      SIMULATOR: 'baseline',
      LOG_REQUESTS: true,
    });
    expect(settings.DEFAULT_DATASET).toBeUndefined();
  });

  it('takes flags over the environment', () => {
    const settings = loadSettings(
      ['--port', '8123', '--data-dir', '/data', '--trust-proxy', 'true'],
      { PORT: '9000', HOST: '0.0.0.0', RATE_LIMIT_MAX: '5' },
      '/',
    );
    expect(settings).toMatchObject({
      PORT: 8123,
      HOST: '0.0.0.0',
      DATA_DIR: '/data',
      RATE_LIMIT_MAX: 5,
      TRUST_PROXY: true,
    });
  });

  it('simulates with OpenAI when a key is set, unless SIMULATOR says otherwise', () => {
    expect(loadSettings([], { OPENAI_API_KEY: 'k' }).SIMULATOR).toBe('openai');
    expect(loadSettings([], { OPENAI_API_KEY: 'k', SIMULATOR: 'baseline' }).SIMULATOR).toBe(
      'baseline',
    );
    // A local server (vLLM, Ollama) may need no key.
    expect(loadSettings([], { SIMULATOR: 'openai' }).SIMULATOR).toBe('openai');
  });

  it('names every bad setting and its flag', () => {
    const load = () =>
      loadSettings([], { PORT: 'eighty', SIMULATOR: 'gpt', OPENAI_BASE_URL: 'not a url' });
    expect(load).toThrow(SettingsError);
    expect(load).toThrow(/PORT \(--port\)/);
    expect(load).toThrow(/SIMULATOR \(--simulator\)/);
    expect(load).toThrow(/OPENAI_BASE_URL \(--openai-base-url\)/);
    expect(() => loadSettings(['--prot', '1'], {})).toThrow(/--prot/);
  });

  it('lists every setting in --help', () => {
    expect(settingsHelp()).toMatch(/--data-dir\s+DATA_DIR\s+.*\[\.\/data\]/);
    expect(settingsHelp()).toContain('--upstream-concurrency');
  });
});
