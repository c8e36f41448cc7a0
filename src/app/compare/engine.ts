/**
 * What the comparison takes from the browse engine (src/app/engine) and the address module: one
 * place to change when they move.
 */
export { useDatasetTable } from '../engine/store.ts';
export { useSearchService } from '../engine/client.ts';
export { useComparison } from '../engine/compare.ts';
export { browsePath, neuronPath } from '../../core/address/address.ts';
