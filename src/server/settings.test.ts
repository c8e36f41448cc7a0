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
      ['--port', '8123', '--data-dir', '/data', '--trust-proxy', '1'],
      { PORT: '9000', HOST: '0.0.0.0', RATE_LIMIT_MAX: '5' },
      '/',
    );
    expect(settings).toMatchObject({
      PORT: 8123,
      HOST: '0.0.0.0',
      DATA_DIR: '/data',
      RATE_LIMIT_MAX: 5,
      TRUST_PROXY: 1,
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

describe('the settings of what is served and to whom', () => {
  it('lets the page download model weights from MODEL_ORIGINS, and refuses what is not an origin', () => {
    expect(
      loadSettings([], { MODEL_ORIGINS: 'https://mirror.example:8443 http://*.lan' }).MODEL_ORIGINS,
    ).toEqual(['https://mirror.example:8443', 'http://*.lan']);
    expect(() => loadSettings([], { MODEL_ORIGINS: "https://ok.example 'unsafe-eval'" })).toThrow(
      /MODEL_ORIGINS.*'unsafe-eval'/s,
    );
  });

  it('trusts a number of proxies or their addresses, never every X-Forwarded-For entry', () => {
    const trust = (value: string | undefined) =>
      loadSettings([], { TRUST_PROXY: value }).TRUST_PROXY;
    expect(trust(undefined)).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.1, 10.1.0.0/16,loopback')).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'loopback',
    ]);
    expect(() => trust('true')).toThrow(/believe every X-Forwarded-For entry/);
    expect(() => trust('10.0.0.1, proxy.example')).toThrow(/proxy\.example/);
    expect(() => trust('10.0.0.0/40')).toThrow(/10\.0\.0\.0\/40/);
  });

  it('reads the allowed host names', () => {
    const hosts = (value: string | undefined) =>
      loadSettings([], { ALLOWED_HOSTS: value }).ALLOWED_HOSTS;
    expect(hosts(undefined)).toBeUndefined();
    expect(hosts('Neurons.Example.org., localhost')).toEqual(['neurons.example.org', 'localhost']);
    expect(hosts('*')).toEqual(['*']);
    expect(() => hosts('https://neurons.example.org')).toThrow(/no scheme or port/);
  });
});
