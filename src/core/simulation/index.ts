export * from './types.ts';
export * from './tokens.ts';
export * from './simulation-prompt.ts';
export * from './explanation-prompt.ts';
export * from './lexicons.ts';
export * from './baseline.ts';
export * from './simulate.ts';
