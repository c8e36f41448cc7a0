/**
 * Worker threads that read simulation answers, so that with many simulations in flight the
 * reading (about 0.2 ms of CPU per 80 KB answer with logprobs) uses more cores than the main
 * thread's. An answer's bytes are moved to a thread, not copied; the record's simulation comes
 * back, or what failed, rebuilt as the error the main thread would have thrown.
 */
import { Worker } from 'node:worker_threads';
import type { SequenceSimulation } from '../../core/format/types.ts';
import { failureError, UpstreamError, type AnswerContext, type ReadElsewhere } from './answer.ts';
import type { ThreadFailure, ThreadReply, ThreadTask } from './answer-thread.ts';

type Pending = (outcome: ReadElsewhere<SequenceSimulation>) => void;

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class AnswerThreads {
  /** Started when first needed; null again once stopped. */
  private readonly threads: (Thread | null)[];
  private turn = 0;
  private lastId = 0;

  constructor(count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('at least one thread');
    this.threads = Array.from({ length: count }, () => null);
  }

  /** The record's simulation from an answer's bytes (which are moved to the thread). */
  simulation(
    bytes: Buffer,
    tokens: string[],
    context: AnswerContext = { greedy: false },
  ): Promise<ReadElsewhere<SequenceSimulation>> {
    const index = this.turn++ % this.threads.length;
    const thread = (this.threads[index] ??= this.start(index));
    const id = ++this.lastId;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const body = (
      whole
        ? bytes.buffer
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    ) as ArrayBuffer;
    return new Promise((resolve) => {
      thread.pending.set(id, resolve);
      const task: ThreadTask = { id, bytes: body, tokens, greedy: context.greedy };
      thread.worker.postMessage(task, [body]);
    });
  }

  async close(): Promise<void> {
    const running = this.threads.filter((thread) => thread !== null);
    this.threads.fill(null);
    await Promise.all(running.map((thread) => thread.worker.terminate()));
  }

  private start(index: number): Thread {
    // The thread runs the TypeScript sources, as the server does (through tsx, found from here).
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(new URL('./answer-thread.ts', import.meta.url).href);
    const worker = new Worker(
      `import(${tsx}).then(({ register }) => { register(); return import(${entry}); })`,
      { eval: true },
    );
    // Idle threads do not keep the process alive.
    worker.unref();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: ThreadReply) => {
      const resolve = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      resolve?.('value' in reply ? { value: reply.value } : restore(reply.failure));
    });
    const stopped = (why: string) => {
      if (this.threads[index] === thread) this.threads[index] = null;
      const error = new UpstreamError('connection', `An answer-reading thread stopped (${why}).`, {
        retryable: true,
      });
      for (const resolve of thread.pending.values()) resolve({ failure: 'answer', error });
      thread.pending.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    return thread;
  }
}

function restore({ stage, failure }: ThreadFailure): ReadElsewhere<never> {
  const error = failureError(failure);
  return stage === 'reader' ? { failure: 'reader', error } : { failure: 'answer', error };
}
