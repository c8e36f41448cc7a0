/**
 * AbortSignal is standard in browsers and in Node, where core runs; core's TypeScript lib (ES2023
 * only, to keep DOM and Node APIs out) lacks it. This is the part core uses, declared as the
 * DOM and Node declarations do, so that it merges with them where they are present.
 */
interface AbortSignal {
  readonly aborted: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match lib.dom's declaration
  readonly reason: any;
  throwIfAborted(): void;
}
