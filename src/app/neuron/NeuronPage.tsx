import { useEffect } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useManifest } from '../data/queries.ts';
import { browsePath, neuronPath, parseIndex } from '../paths.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import { FileError } from './FileState.tsx';
import { datasetExtent, nearestNeuron } from './model.ts';
import { NeuronSkeleton, NeuronView } from './NeuronView.tsx';
import { NeuronCompare } from '../compare/NeuronCompare.tsx';
import { AddToList } from '../lists/SaveList.tsx';
import styles from './NeuronPage.module.css';

/**
 * Route `#/layers/L/neurons/N` (default dataset) and `#/d/<dataset>/layers/L/neurons/N`: checks
 * the neuron against the dataset's manifest, then shows it.
 */
export function NeuronPage() {
  const params = useParams();
  const layer = parseIndex(params.layer);
  const neuron = parseIndex(params.neuron);
  const { dataset, urlDataset, datasets, entry } = useDatasetRoute();
  const manifest = useManifest(dataset);
  // `?vs=<dataset>`: the neuron in a comparison (src/app/compare).
  const vs = useSearchParams()[0].get('vs');

  useEffect(() => {
    document.title = `Neuron ${params.layer}:${params.neuron} · Neuron Explorer`;
  }, [params.layer, params.neuron]);

  if (datasets.isError) {
    return (
      <FileError
        path="datasets/index.json"
        error={datasets.error}
        retry={datasets.refetch}
        retrying={datasets.isFetching}
      />
    );
  }
  if (dataset === undefined || manifest.isPending) return <NeuronSkeleton />;
  if (manifest.isError) {
    if (datasets.data && !entry) {
      return (
        <section aria-labelledby="missing-heading" className={styles.missing}>
          <h1 id="missing-heading">No dataset “{dataset}”</h1>
          <p>
            This server has no dataset of that name. It has:{' '}
            {datasets.data.datasets.map((candidate, i) => (
              <span key={candidate.id}>
                {i > 0 && ', '}
                <Link to={browsePath(candidate.id)}>{candidate.title}</Link>
              </span>
            ))}
            .
          </p>
        </section>
      );
    }
    return (
      <FileError
        path={`datasets/${dataset}/manifest.json`}
        error={manifest.error}
        retry={manifest.refetch}
        retrying={manifest.isFetching}
      />
    );
  }

  const layers = manifest.data.layers;
  const summary = layers.find((candidate) => candidate.layer === layer);
  if (layer === null || neuron === null || !summary || neuron >= summary.neurons) {
    const nearest = nearestNeuron(layers, layer, neuron);
    return (
      <section aria-labelledby="missing-heading" className={styles.missing}>
        <h1 id="missing-heading">
          No neuron {params.layer}:{params.neuron} in {manifest.data.title}
        </h1>
        <p>This dataset has {datasetExtent(layers)}.</p>
        {manifest.data.layerProblems
          ?.filter((problem) => problem.layer === layer)
          .map((problem) => (
            <p key={problem.message} role="alert">
              Layer {problem.layer} cannot be shown: {problem.message}
            </p>
          ))}
        <ul>
          {nearest && (
            <li>
              <Link to={neuronPath(urlDataset, nearest)}>
                Open neuron {nearest.layer}:{nearest.neuron} instead
              </Link>
            </li>
          )}
          <li>
            <Link to={browsePath(urlDataset)}>Browse the neurons of {manifest.data.title}</Link>
          </li>
        </ul>
      </section>
    );
  }

  return (
    <>
      {vs !== null && (
        <NeuronCompare
          dataset={dataset}
          urlDataset={urlDataset}
          vs={vs}
          layer={layer}
          neuron={neuron}
        />
      )}
      <NeuronView
        dataset={dataset}
        urlDataset={urlDataset}
        manifest={manifest.data}
        layer={layer}
        neuron={neuron}
      />
      <AddToList neuron={{ layer, neuron }} dataset={urlDataset} />
    </>
  );
}
