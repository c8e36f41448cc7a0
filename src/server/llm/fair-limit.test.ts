import { describe, expect, it } from 'vitest';
import { FairLimiter } from './fair-limit.ts';

/** A task that records when it starts and finishes when `release` is called. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release: () => release() };
}

describe('FairLimiter', () => {
  it('runs at most `concurrency` tasks, and gives freed slots to clients in turn', async () => {
    const limiter = new FairLimiter(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const task = (name: string) => () => {
      started.push(name);
      const g = gate();
      gates.set(name, g);
      return g.done;
    };
    const all = [
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => limiter.run('a', task(name))),
      ...['b1', 'b2'].map((name) => limiter.run('b', task(name))),
      limiter.run('c', task('c1')),
    ];
    expect(started).toEqual(['a1', 'a2']);
    expect(limiter.activeCount).toBe(2);
    expect(limiter.pendingCount).toBe(6);
    // Each finished task frees a slot for the next client in turn: a, b, c, a, b, a ...
    for (const name of ['a1', 'a2', 'a3', 'b1', 'c1', 'a4', 'b2', 'a5']) {
      gates.get(name)!.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(all);
    expect(started).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'a4', 'b2', 'a5']);
    expect(limiter.activeCount).toBe(0);
  });

  it('drops a waiting task whose signal aborts, rejecting with its reason', async () => {
    const limiter = new FairLimiter(1);
    const first = gate();
    const running = limiter.run('a', () => first.done);
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.run(
      'b',
      async () => {
        ran = true;
      },
      controller.signal,
    );
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(limiter.pendingCount).toBe(0);
    first.release();
    await running;
    expect(ran).toBe(false);
  });

  it('passes on what a task throws, and frees its slot', async () => {
    const limiter = new FairLimiter(1);
    await expect(limiter.run('a', () => Promise.reject(new Error('failed')))).rejects.toThrow(
      'failed',
    );
    await expect(limiter.run('a', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
