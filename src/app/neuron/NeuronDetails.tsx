import { lazy, Suspense } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { NeuronAddress } from '../../core/address/address.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import {
  neuronFilePath,
  type NeuronRecord,
  type NeuronSimulationResults,
} from '../../core/format/types.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import type { ActivationColorScale } from '../visuals/colorScale.ts';
import { ExplanationsSection } from './ExplanationsSection.tsx';
import type { RankedExplanation } from './model.ts';
import { SampledRecordsSection } from './RecordsSection.tsx';
import { RelatedSection } from './RelatedSection.tsx';
import { SectionPlaceholder } from './SectionLinks.tsx';
import { sectionElementId } from './sections.ts';
import { StatisticsSection } from './StatisticsSection.tsx';
import type { useNeuronViewState } from './useViewState.ts';

// The test panel (and the request schemas it validates with) is a chunk of its own.
const SimulatePanel = lazy(() =>
  import('../simulate/SimulatePanel.tsx').then((module) => ({ default: module.SimulatePanel })),
);
// The model sections (your text, check the model): a chunk of their own, with the model client.
const ModelSections = lazy(() => import('../yourtext/neuron/NeuronModelSections.tsx'));

/**
 * Everything of the neuron page below its top records, in page order: the explanations with
 * their scores and scored sequences, the test panel, the quantile and random samples, the model
 * sections (the neuron on your text, the model checked on its records), statistics, and related
 * tokens and neurons. A chunk of its own, loaded once the top records have painted.
 */
export default function NeuronDetails({
  dataset,
  urlDataset,
  manifest,
  address,
  explanations,
  records,
  ranked,
  scale,
  viewState,
}: {
  dataset: string;
  urlDataset: string | null;
  manifest: DatasetManifest | undefined;
  address: NeuronAddress;
  explanations: UseQueryResult<NeuronSimulationResults | null>;
  records: UseQueryResult<NeuronRecord | null>;
  ranked: RankedExplanation[];
  scale: ActivationColorScale | null;
  viewState: ReturnType<typeof useNeuronViewState>;
}) {
  const { layer, neuron } = address;
  return (
    <>
      <ExplanationsSection
        query={explanations}
        ranked={ranked}
        path={neuronFilePath('explanations', layer, neuron)}
        scale={scale}
        selected={viewState.explanation}
        onSelect={viewState.selectExplanation}
        view={viewState.view}
        onView={viewState.setView}
      />
      <div id={sectionElementId('test')}>
        <Suspense fallback={<Skeleton height="25rem" />}>
          <SimulatePanel
            key={`${dataset}/${layer}/${neuron}`}
            dataset={dataset}
            layer={layer}
            neuron={neuron}
            published={ranked[0]?.explanation ?? null}
            hasRecords={records.isPending || records.isError ? null : records.data !== null}
            scale={scale}
            view={viewState.view}
            onView={viewState.setView}
          />
        </Suspense>
      </div>
      <SampledRecordsSection
        query={records}
        scale={scale}
        expanded={viewState.expanded}
        onToggle={viewState.toggleGroup}
      />
      {manifest ? (
        <Suspense
          fallback={
            <>
              <SectionPlaceholder id="yourText" />
              <SectionPlaceholder id="check" />
            </>
          }
        >
          <ModelSections
            manifest={manifest}
            urlDataset={urlDataset}
            layer={layer}
            neuron={neuron}
            scale={scale}
            records={records.isPending ? undefined : (records.data ?? null)}
          />
        </Suspense>
      ) : (
        <>
          <SectionPlaceholder id="yourText" />
          <SectionPlaceholder id="check" />
        </>
      )}
      <StatisticsSection
        query={records}
        path={neuronFilePath('collated-activations', layer, neuron)}
      />
      {manifest ? (
        <RelatedSection
          dataset={dataset}
          urlDataset={urlDataset}
          manifest={manifest}
          address={address}
        />
      ) : (
        <SectionPlaceholder id="related" />
      )}
    </>
  );
}
