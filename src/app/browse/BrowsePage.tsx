import { Link } from 'react-router';
import { useManifest } from '../data/queries.ts';
import { neuronPath } from '../paths.ts';
import { useDatasetRoute } from '../shell/dataset.ts';

/**
 * PLACEHOLDER for the browse page (owned by the browse/search work, which replaces this file and
 * keeps the export name `BrowsePage`). Shows the dataset's layers so the app is usable meanwhile.
 */
export function BrowsePage() {
  const { dataset, urlDataset } = useDatasetRoute();
  const manifest = useManifest(dataset);
  return (
    <section aria-labelledby="browse-heading">
      <h1 id="browse-heading">{manifest.data?.title ?? 'Browse neurons'}</h1>
      {manifest.isError && <p role="alert">Could not load this dataset's manifest.</p>}
      {manifest.data && (
        <>
          <p>
            {manifest.data.scoreSummary.count.toLocaleString()} explained neurons in{' '}
            {manifest.data.layers.length} layers. Type <kbd>layer:neuron</kbd> above to open one.
          </p>
          <ul>
            {manifest.data.layers.map((layer) => (
              <li key={layer.layer}>
                <Link to={neuronPath(urlDataset, { layer: layer.layer, neuron: 0 })}>
                  Layer {layer.layer}
                </Link>{' '}
                <span className="muted">({layer.explained.toLocaleString()} explained)</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
