import { useParams } from 'react-router';
import { useDatasets } from '../data/queries.ts';

/**
 * The dataset the current route shows. `urlDataset` is the one the URL names (null for the release
 * form, which opens the default): links built from here keep the form the user arrived with.
 */
export function useDatasetRoute() {
  const params = useParams();
  const datasets = useDatasets();
  const urlDataset = params.dataset ?? null;
  const dataset = urlDataset ?? datasets.data?.default;
  const entry = datasets.data?.datasets.find((candidate) => candidate.id === dataset);
  return { urlDataset, dataset, entry, datasets };
}
