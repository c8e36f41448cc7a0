import { lazy, Suspense, useMemo } from 'react';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { neuronFilePath } from '../../core/format/types.ts';
import { useNeuronFile } from '../data/queries.ts';
import { useResolvedTheme } from '../shell/theme.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { SyntheticBadge } from '../shell/SyntheticBadge.tsx';
import { activationColorScale } from '../visuals/colorScale.ts';
import { TokenTooltipLayer } from '../visuals/TokenTooltipLayer.tsx';
import { formatScore } from '../visuals/tokens.ts';
import { neuronDomain, rankExplanations } from './model.ts';
import { NeuronNav, NeuronNavSkeleton } from './NeuronNav.tsx';
import { TopRecordsSection } from './RecordsSection.tsx';
import { SectionLinks, SectionPlaceholder } from './SectionLinks.tsx';
import { DETAIL_SECTIONS } from './sections.ts';
import { useAfterPaint } from './useAfterPaint.ts';
import { useNeuronViewState } from './useViewState.ts';
import styles from './NeuronPage.module.css';

// Everything below the top records: a chunk of its own, loaded once they have painted.
const NeuronDetails = lazy(() => import('./NeuronDetails.tsx'));

/** The sections below the top records, before they render: headings and room. */
function DetailPlaceholders() {
  return (
    <>
      {DETAIL_SECTIONS.map((id) => (
        <SectionPlaceholder key={id} id={id} />
      ))}
    </>
  );
}

/**
 * One neuron of a dataset. What a researcher comes for comes first: the explanation and its
 * score (in the header), then the top-activating records; the first paint holds only these, and
 * the sections below (each reachable from "On this page") render in the tasks after it.
 */
export function NeuronView({
  dataset,
  urlDataset,
  manifest,
  layer,
  neuron,
}: {
  dataset: string;
  urlDataset: string | null;
  /** Undefined while it loads (the records do not wait for it). */
  manifest: DatasetManifest | undefined;
  layer: number;
  neuron: number;
}) {
  const viewState = useNeuronViewState();
  const address = useMemo(() => ({ layer, neuron }), [layer, neuron]);

  const explanations = useNeuronFile(dataset, 'explanations', layer, neuron);
  const records = useNeuronFile(dataset, 'collated-activations', layer, neuron);

  // One scale for the whole page. The records span the neuron's activations (the scored
  // sequences are drawn from them), so the top records need not wait for the explanations; only
  // a neuron without records takes its scale from its scored sequences.
  const theme = useResolvedTheme();
  const recordData = records.data ?? null;
  const explanationData = explanations.data ?? null;
  const fromRecords = recordData !== null;
  const domainReady = !records.isPending && (fromRecords || !explanations.isPending);
  const domain = useMemo(
    () => (domainReady ? neuronDomain(recordData, fromRecords ? null : explanationData) : null),
    [domainReady, recordData, fromRecords, explanationData],
  );
  const scale = useMemo(
    () => (domain ? activationColorScale(domain, theme) : null),
    [domain, theme],
  );

  // The rest of the page renders once the top records (or the word that there are none) are on
  // screen, again for each neuron.
  const firstShown = !records.isPending && (scale !== null || !fromRecords);
  const belowTheFold = useAfterPaint(firstShown, `${dataset}/${layer}/${neuron}`);

  const ranked = useMemo(() => rankExplanations(explanationData), [explanationData]);
  const best = ranked[0];

  return (
    <article aria-labelledby="neuron-heading" className="neuron-page">
      <header className="neuron-header">
        <p className="neuron-eyebrow">
          {manifest ? (
            <>
              {manifest.title}
              {manifest.synthetic && <SyntheticBadge className={styles.synthetic} />} · layer{' '}
              {layer} (of {manifest.layers[0]?.layer ?? 0}–{manifest.layers.at(-1)?.layer ?? 0})
            </>
          ) : (
            <>layer {layer}</>
          )}
        </p>
        <h1 id="neuron-heading">
          Neuron {layer}:{neuron}
        </h1>
        <div className="neuron-summary">
          {explanations.isPending ? (
            <Skeleton height="1.6rem" width="60%" />
          ) : best ? (
            <p title={best.explanation.explanation.trim()}>
              <q>{best.explanation.explanation.trim()}</q>{' '}
              <span className="neuron-score">score {formatScore(best.score)}</span>
            </p>
          ) : (
            <p className="muted">
              {explanations.isError ? 'Explanation unavailable' : 'Not explained'}
            </p>
          )}
        </div>
      </header>
      {manifest ? (
        <NeuronNav
          dataset={dataset}
          urlDataset={urlDataset}
          manifest={manifest}
          address={address}
          params={viewState.params}
          linkParams={viewState.linkParams}
          prefetch={belowTheFold}
        />
      ) : (
        <NeuronNavSkeleton />
      )}
      <SectionLinks />
      <TokenTooltipLayer className="neuron-sections">
        <TopRecordsSection
          query={records}
          path={neuronFilePath('collated-activations', layer, neuron)}
          scale={scale}
          expanded={viewState.expanded}
          onToggle={viewState.toggleGroup}
        />
        {belowTheFold ? (
          <Suspense fallback={<DetailPlaceholders />}>
            <NeuronDetails
              dataset={dataset}
              urlDataset={urlDataset}
              manifest={manifest}
              address={address}
              explanations={explanations}
              records={records}
              ranked={ranked}
              scale={scale}
              viewState={viewState}
            />
          </Suspense>
        ) : (
          <DetailPlaceholders />
        )}
      </TokenTooltipLayer>
    </article>
  );
}

/** The page's shape while the dataset list loads. */
export function NeuronSkeleton() {
  return (
    <div role="status" aria-busy="true" className="neuron-page">
      <span className="visually-hidden">Loading neuron…</span>
      <div className="neuron-header">
        <Skeleton height="1rem" width="12rem" />
        <Skeleton height="2rem" width="14rem" />
        <Skeleton height="1.6rem" width="60%" />
      </div>
      <NeuronNavSkeleton />
      <Skeleton height="20rem" />
    </div>
  );
}
