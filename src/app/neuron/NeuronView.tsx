import { lazy, Suspense, useDeferredValue, useMemo } from 'react';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { neuronFilePath, type NeuronFileKind } from '../../core/format/types.ts';
import { useNeuronFile } from '../data/queries.ts';
import { useResolvedTheme } from '../shell/theme.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { activationColorScale } from '../visuals/colorScale.ts';
import { TokenTooltipLayer } from '../visuals/TokenTooltipLayer.tsx';
import { formatScore } from '../visuals/tokens.ts';
import { ExplanationsSection } from './ExplanationsSection.tsx';
import { neuronDomain, rankExplanations } from './model.ts';
import { NeuronNav } from './NeuronNav.tsx';
import { RecordsSection, RecordsSkeleton } from './RecordsSection.tsx';
import { RelatedSection } from './RelatedSection.tsx';
import { StatisticsSection } from './StatisticsSection.tsx';
import { useNeuronViewState } from './useViewState.ts';
import { SyntheticBadge } from '../shell/SyntheticBadge.tsx';
import styles from './NeuronPage.module.css';

// The simulation panel (and the request schemas it validates with) is a chunk of its own, fetched
// as soon as this page's code runs so that it is usually in before the neuron's data.
const simulatePanel = import('../simulate/SimulatePanel.tsx').then((module) => ({
  default: module.SimulatePanel,
}));
const SimulatePanel = lazy(() => simulatePanel);
// The model sections (your text, check the model): a chunk fetched only after the first paint.
const ModelSections = lazy(() => import('../yourtext/neuron/NeuronModelSections.tsx'));

/** One neuron of a dataset: every file it has, each section saying what is missing. */
export function NeuronView({
  dataset,
  urlDataset,
  manifest,
  layer,
  neuron,
}: {
  dataset: string;
  urlDataset: string | null;
  manifest: DatasetManifest;
  layer: number;
  neuron: number;
}) {
  const viewState = useNeuronViewState();
  const address = useMemo(() => ({ layer, neuron }), [layer, neuron]);
  const path = (kind: NeuronFileKind) => neuronFilePath(kind, layer, neuron);

  const explanations = useNeuronFile(dataset, 'explanations', layer, neuron);
  const records = useNeuronFile(dataset, 'collated-activations', layer, neuron);
  const activationTokens = useNeuronFile(dataset, 'related-tokens/activation-based', layer, neuron);
  const weightTokens = useNeuronFile(dataset, 'related-tokens/weight-based', layer, neuron);
  const relatedNeurons = useNeuronFile(dataset, 'related-neurons/weight-based', layer, neuron);

  // One scale for the whole page, from the records and the scored sequences: wait for both.
  const theme = useResolvedTheme();
  const settled = !records.isPending && !explanations.isPending;
  const recordData = records.data ?? null;
  const explanationData = explanations.data ?? null;
  const domain = useMemo(
    () => (settled ? neuronDomain(recordData, explanationData) : null),
    [settled, recordData, explanationData],
  );
  const scale = useMemo(
    () => (domain ? activationColorScale(domain, theme) : null),
    [domain, theme],
  );

  const best = rankExplanations(explanationData)[0];
  // Statistics and related sections sit below the records: render them just after the first paint.
  const belowTheFold = useDeferredValue(true, false);

  return (
    <article aria-labelledby="neuron-heading" className={styles.page}>
      <header className={styles.pageHeader}>
        <p className={styles.eyebrow}>
          {manifest.title}
          {manifest.synthetic && <SyntheticBadge className={styles.synthetic} />} · layer {layer}{' '}
          (of {manifest.layers[0]?.layer ?? 0}–{manifest.layers.at(-1)?.layer ?? 0})
        </p>
        <h1 id="neuron-heading">
          Neuron {layer}:{neuron}
        </h1>
        <div className={styles.summary}>
          {explanations.isPending ? (
            <Skeleton height="1.6rem" width="60%" />
          ) : best ? (
            <p>
              <q>{best.explanation.explanation.trim()}</q>{' '}
              <span className={styles.score}>score {formatScore(best.score)}</span>
            </p>
          ) : (
            <p className="muted">
              {explanations.isError ? 'Explanation unavailable' : 'Not explained'}
            </p>
          )}
        </div>
      </header>
      <NeuronNav
        dataset={dataset}
        urlDataset={urlDataset}
        manifest={manifest}
        address={address}
        params={viewState.params}
        linkParams={viewState.linkParams}
        prefetch={settled}
      />
      <TokenTooltipLayer className={styles.sections}>
        <ExplanationsSection
          query={explanations}
          path={path('explanations')}
          scale={scale}
          selected={viewState.explanation}
          onSelect={viewState.selectExplanation}
          view={viewState.view}
          onView={viewState.setView}
        />
        <Suspense fallback={<Skeleton height="25rem" />}>
          <SimulatePanel
            key={`${dataset}/${layer}/${neuron}`}
            dataset={dataset}
            layer={layer}
            neuron={neuron}
            published={best?.explanation ?? null}
            hasRecords={records.isPending || records.isError ? null : records.data !== null}
            scale={scale}
            view={viewState.view}
            onView={viewState.setView}
          />
        </Suspense>
        <RecordsSection
          query={records}
          path={path('collated-activations')}
          scale={scale}
          expanded={viewState.expanded}
          onToggle={viewState.toggleGroup}
        />
      </TokenTooltipLayer>
      {belowTheFold && (
        <Suspense fallback={null}>
          <ModelSections
            manifest={manifest}
            urlDataset={urlDataset}
            layer={layer}
            neuron={neuron}
            scale={scale}
            records={records.isPending ? undefined : (records.data ?? null)}
          />
        </Suspense>
      )}
      <StatisticsSection
        query={records}
        path={path('collated-activations')}
        defer={!belowTheFold}
      />
      <RelatedSection
        defer={!belowTheFold}
        dataset={dataset}
        urlDataset={urlDataset}
        activationTokens={activationTokens}
        weightTokens={weightTokens}
        relatedNeurons={relatedNeurons}
        paths={{
          activationTokens: path('related-tokens/activation-based'),
          weightTokens: path('related-tokens/weight-based'),
          relatedNeurons: path('related-neurons/weight-based'),
        }}
      />
    </article>
  );
}

/** The page's shape while the manifest loads. */
export function NeuronSkeleton() {
  return (
    <div role="status" aria-busy="true" className={styles.page}>
      <span className="visually-hidden">Loading neuron…</span>
      <div className={styles.pageHeader}>
        <Skeleton height="1rem" width="12rem" />
        <Skeleton height="2rem" width="14rem" />
        <Skeleton height="1.6rem" width="60%" />
      </div>
      <Skeleton height="2.4rem" />
      <RecordsSkeleton />
    </div>
  );
}
