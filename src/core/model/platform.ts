/**
 * The few standard globals that model code uses and that browsers and Node both have, reached
 * through globalThis: core's TypeScript lib (ES2023 only) declares neither the DOM's nor Node's.
 */
interface Platform {
  TextDecoder: new (
    label?: string,
    options?: { fatal?: boolean },
  ) => { decode(bytes: Uint8Array): string };
  TextEncoder: new () => { encode(text: string): Uint8Array };
  performance: { now(): number };
}

const platform = globalThis as unknown as Platform;

/** UTF-8 text of bytes; throws on invalid UTF-8. */
export const utf8Decode = (bytes: Uint8Array): string =>
  new platform.TextDecoder('utf-8', { fatal: true }).decode(bytes);

export const utf8Encode = (text: string): Uint8Array => new platform.TextEncoder().encode(text);

/** Milliseconds from a monotonic clock. */
export const now = (): number => platform.performance.now();
