import { describe, expect, it } from 'vitest';
import { responseRetryAfterMs, retryAfterMs, sleep } from './retry.ts';

describe('retry helpers', () => {
  it('read Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(new Date(1_000).toUTCString(), 4_000)).toBe(0);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });

  it("prefer a response's Retry-After-Ms", () => {
    expect(responseRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(
      250,
    );
    expect(responseRetryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(responseRetryAfterMs(new Headers({ 'retry-after-ms': 'x', 'retry-after': '1' }))).toBe(
      1000,
    );
    expect(responseRetryAfterMs(new Headers())).toBeNull();
  });

  it('sleep, ending early with the reason when aborted', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    await expect(sleep(5, controller.signal)).rejects.toThrow('client went away');
  });
});
