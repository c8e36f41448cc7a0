/** The HTTP API's contract, shared by the server and the app. */
export * from './compact.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './limits.ts';
export * from './simulate.ts';
export * from './score.ts';
export * from './sse.ts';
