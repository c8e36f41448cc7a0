/**
 * What the comparison takes from the browse engine: one place to change when the engine moves
 * (branch `pages` gives it a folder of its own, src/app/engine).
 */
export { useDatasetTable } from '../browse/data.ts';
export { useSearchService } from '../search/client.tsx';
export { browsePath, neuronPath } from '../paths.ts';
