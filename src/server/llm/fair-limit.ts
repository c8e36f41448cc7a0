/**
 * A cap on tasks running at once, shared fairly between clients: each client's tasks wait in a
 * queue of their own, and a freed slot goes to the next client in turn (round robin). A client
 * with 600 calls waiting thus delays another's 20 by about half, not by all 600 of its own, as a
 * single first-come queue would.
 */

interface Waiting {
  start: () => void;
}

export class FairLimiter {
  readonly concurrency: number;
  private active = 0;
  private pending = 0;
  /** Queues of clients with tasks waiting; Map order is the order of their turns. */
  private readonly queues = new Map<string, Waiting[]>();

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError('concurrency must be a whole number of at least 1');
    }
    this.concurrency = concurrency;
  }

  /** Tasks running now. */
  get activeCount(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * Runs the task when a slot is free and it is the client's turn. A task whose signal aborts
   * while it waits leaves its queue and rejects with the signal's reason.
   */
  run<T>(client: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active++;
        let promise: Promise<T>;
        try {
          promise = task();
        } catch (error) {
          promise = Promise.reject(error as Error);
        }
        promise.then(resolve, reject).finally(() => {
          this.active--;
          this.next();
        });
      };
      if (this.active < this.concurrency && this.pending === 0) {
        start();
        return;
      }
      const waiting: Waiting = { start };
      if (signal) {
        const onAbort = () => {
          this.remove(client, waiting);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.start = () => {
          signal.removeEventListener('abort', onAbort);
          start();
        };
      }
      let queue = this.queues.get(client);
      if (!queue) this.queues.set(client, (queue = []));
      queue.push(waiting);
      this.pending++;
    });
  }

  /** Starts waiting tasks while slots are free, one client after another. */
  private next(): void {
    while (this.active < this.concurrency && this.queues.size > 0) {
      const [client, queue] = this.queues.entries().next().value!;
      const waiting = queue.shift()!;
      // The client's turn is taken: to the back of the line if it has more waiting.
      this.queues.delete(client);
      if (queue.length > 0) this.queues.set(client, queue);
      this.pending--;
      waiting.start();
    }
  }

  private remove(client: string, waiting: Waiting): void {
    const queue = this.queues.get(client);
    const at = queue?.indexOf(waiting) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    this.pending--;
    if (queue.length === 0) this.queues.delete(client);
  }
}
