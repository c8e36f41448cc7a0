/**
 * `npm run check:cycles`: no import cycles in the sources, tests and benchmarks. A cycle makes the
 * load order decide what a module sees (undefined at import time) and ties layers together that
 * should change alone. Type-only imports count too: they tie the modules' meanings together.
 * Layer boundaries are ESLint's (eslint.config.js); unused files and exports are knip's (knip.json).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Break the cycle: move what both sides need into a module of its own.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage|test-results|fixtures-out)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
