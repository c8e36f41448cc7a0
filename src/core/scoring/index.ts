export * from './scores.ts';
export * from './splits.ts';
