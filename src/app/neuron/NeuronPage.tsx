import { useEffect } from 'react';
import { Link, Navigate, useLocation, useParams, useSearchParams } from 'react-router';
import { browsePath, neuronPath, routeFromParams } from '../../core/address/address.ts';
import { useManifest } from '../data/queries.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import { UnknownDataset } from '../shell/UnknownDataset.tsx';
import { FileError } from './FileState.tsx';
import { datasetExtent, nearestNeuron } from './model.ts';
import { NeuronSkeleton, NeuronView } from './NeuronView.tsx';
import { NeuronCompare } from '../compare/NeuronCompare.tsx';
import { AddToList } from '../lists/SaveList.tsx';
import styles from './NeuronPage.module.css';

/**
 * Route `#/layers/L/neurons/N` (default dataset) and `#/d/<dataset>/layers/L/neurons/N`. The
 * neuron's files are requested by the route's loader and start showing as they come; the
 * manifest (which can say the neuron does not exist) is awaited only for what needs it.
 */
export function NeuronPage() {
  const params = useParams();
  const location = useLocation();
  const route = routeFromParams(params);
  const address = route.page === 'neuron' ? route.address : null;
  const canonical = route.page === 'neuron' && route.canonical;
  const { dataset, urlDataset, datasets, entry } = useDatasetRoute();
  const manifest = useManifest(entry ? dataset : undefined);
  // `?vs=<dataset>`: the neuron in a comparison (src/app/compare).
  const vs = useSearchParams()[0].get('vs');

  useEffect(() => {
    document.title = address
      ? `Neuron ${address.layer}:${address.neuron} · Neuron Explorer`
      : 'No such neuron · Neuron Explorer';
  }, [address]);

  // `layers/05/neurons/0131` is neuron 5:131: show it under its canonical address.
  if (address && !canonical) {
    const search = new URLSearchParams(location.search);
    return <Navigate replace to={neuronPath(urlDataset, address, search)} />;
  }
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
  if (datasets.data && !entry) {
    return <UnknownDataset dataset={dataset ?? ''} datasets={datasets.data} />;
  }
  if (dataset === undefined) return <NeuronSkeleton />;
  if (manifest.isError) {
    return (
      <FileError
        path={`datasets/${dataset}/manifest.json`}
        error={manifest.error}
        retry={manifest.refetch}
        retrying={manifest.isFetching}
      />
    );
  }

  const layers = manifest.data?.layers;
  const summary = address && layers?.find((candidate) => candidate.layer === address.layer);
  if (layers && (!address || !summary || address.neuron >= summary.neurons)) {
    const nearest = nearestNeuron(layers, address?.layer ?? null, address?.neuron ?? null);
    const title = manifest.data!.title;
    return (
      <section aria-labelledby="missing-heading" className={styles.missing}>
        <h1 id="missing-heading">
          No neuron {params.layer}:{params.neuron} in {title}
        </h1>
        <p>This dataset has {datasetExtent(layers)}.</p>
        {manifest
          .data!.layerProblems?.filter((problem) => problem.layer === address?.layer)
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
            <Link to={browsePath(urlDataset)}>Browse the neurons of {title}</Link>
          </li>
        </ul>
      </section>
    );
  }
  if (!address) return <NeuronSkeleton />;

  return (
    <>
      {vs !== null && (
        <NeuronCompare
          dataset={dataset}
          urlDataset={urlDataset}
          vs={vs}
          layer={address.layer}
          neuron={address.neuron}
        />
      )}
      <NeuronView
        dataset={dataset}
        urlDataset={urlDataset}
        manifest={manifest.data}
        layer={address.layer}
        neuron={address.neuron}
      />
      <AddToList neuron={address} dataset={urlDataset} />
    </>
  );
}
