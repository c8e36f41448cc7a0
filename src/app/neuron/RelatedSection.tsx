import { useMemo } from 'react';
import { Link } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import type {
  ConnectedNeurons,
  NeuronRef,
  RelatedNeurons,
  TokenLookupTableSummaryOfNeuron,
  TokensAndWeights,
  WeightBasedSummaryOfNeuron,
} from '../../core/format/types.ts';
import type { LayerIndex } from '../../core/dataset/types.ts';
import { layerIndexEntry } from '../data/layerIndex.ts';
import { useLayerIndexes } from '../data/queries.ts';
import { neuronPath } from '../paths.ts';
import { formatActivation, formatScore, visibleToken } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileError, FileState } from './FileState.tsx';
import styles from './NeuronPage.module.css';

/**
 * Related tokens (by mean activation; by weights, into and out of the neuron) and related neurons
 * (upstream through c_fc, downstream through c_proj), each neuron with its best explanation and
 * score from the layer indexes.
 */
export function RelatedSection({
  dataset,
  urlDataset,
  activationTokens,
  weightTokens,
  relatedNeurons,
  paths,
  defer = false,
}: {
  dataset: string;
  urlDataset: string | null;
  activationTokens: UseQueryResult<TokenLookupTableSummaryOfNeuron | null>;
  weightTokens: UseQueryResult<WeightBasedSummaryOfNeuron | null>;
  relatedNeurons: UseQueryResult<RelatedNeurons | null>;
  paths: { activationTokens: string; weightTokens: string; relatedNeurons: string };
  /** Show skeletons for now (the page renders this section after its first paint). */
  defer?: boolean;
}) {
  const listSkeleton = (
    <div aria-hidden="true" className={styles.stack}>
      <Skeleton height="6rem" />
    </div>
  );
  if (defer) {
    return (
      <section aria-labelledby="related-heading" className={styles.section}>
        <h2 id="related-heading">Related tokens and neurons</h2>
        {listSkeleton}
      </section>
    );
  }
  return (
    <section aria-labelledby="related-heading" className={styles.section}>
      <h2 id="related-heading">Related tokens and neurons</h2>
      <div className={styles.relatedGrid}>
        <section aria-labelledby="mean-tokens-heading">
          <h3 id="mean-tokens-heading">Tokens with the highest mean activation</h3>
          <FileState
            query={activationTokens}
            path={paths.activationTokens}
            skeleton={listSkeleton}
            absent={<Absent>No activation-based token file for this neuron.</Absent>}
          >
            {(table) => (
              <TokenList
                tokens={table.tokens}
                values={table.average_activations}
                label="mean activation"
              />
            )}
          </FileState>
        </section>
        <section aria-labelledby="weight-tokens-heading">
          <h3 id="weight-tokens-heading">Tokens by weight</h3>
          <FileState
            query={weightTokens}
            path={paths.weightTokens}
            skeleton={listSkeleton}
            absent={<Absent>No weight-based token file for this neuron.</Absent>}
          >
            {(summary) => (
              <div className={styles.weightGrid}>
                <WeightList title="Input, positive" list={summary.input_positive} />
                <WeightList title="Input, negative" list={summary.input_negative} />
                <WeightList title="Output, positive" list={summary.output_positive} />
                <WeightList title="Output, negative" list={summary.output_negative} />
              </div>
            )}
          </FileState>
        </section>
      </div>
      <FileState
        query={relatedNeurons}
        path={paths.relatedNeurons}
        skeleton={listSkeleton}
        absent={<Absent>No related-neurons file for this neuron.</Absent>}
      >
        {(related) => (
          <RelatedNeuronsView related={related} dataset={dataset} urlDataset={urlDataset} />
        )}
      </FileState>
    </section>
  );
}

function TokenList({
  tokens,
  values,
  label,
}: {
  tokens: readonly string[];
  values: readonly (number | null)[];
  label: string;
}) {
  if (tokens.length === 0) return <Absent>None listed.</Absent>;
  return (
    <ol className={styles.tokenList} aria-label={`Tokens and their ${label}`}>
      {tokens.map((token, i) => (
        <li key={i}>
          <code className={styles.tokenChip}>{visibleToken(token)}</code>
          <span className={styles.tokenValue}>{formatActivation(values[i])}</span>
        </li>
      ))}
    </ol>
  );
}

function WeightList({ title, list }: { title: string; list: TokensAndWeights }) {
  return (
    <div>
      <h4 className={styles.listTitle}>{title}</h4>
      <TokenList
        tokens={list.tokens}
        values={list.strengths}
        label={`${title.toLowerCase()} weight`}
      />
    </div>
  );
}

function RelatedNeuronsView({
  related,
  dataset,
  urlDataset,
}: {
  related: RelatedNeurons;
  dataset: string;
  urlDataset: string | null;
}) {
  const layers = useMemo(() => {
    const all = [related.c_fc, related.c_proj].flatMap((connected) =>
      connected ? [...connected.top_positive_neurons, ...connected.top_negative_neurons] : [],
    );
    return [...new Set(all.map((ref) => ref.layer))].sort((a, b) => a - b);
  }, [related]);
  const queries = useLayerIndexes(dataset, layers);
  const indexes = new Map<number, UseQueryResult<LayerIndex>>(
    layers.map((layer, i) => [layer, queries[i]!]),
  );
  const failed = layers
    .map((layer, i) => [layer, queries[i]!] as const)
    .filter(([, query]) => query.isError);
  return (
    <>
      {failed.map(([layer, query]) => (
        <FileError
          key={layer}
          path={`layer ${layer} index`}
          error={query.error!}
          retry={query.refetch}
          retrying={query.isFetching}
        />
      ))}
      <div className={styles.relatedGrid}>
        <section aria-labelledby="upstream-heading">
          <h3 id="upstream-heading">Upstream neurons (c_fc: writing into this neuron’s input)</h3>
          <ConnectedList connected={related.c_fc} indexes={indexes} urlDataset={urlDataset} />
        </section>
        <section aria-labelledby="downstream-heading">
          <h3 id="downstream-heading">Downstream neurons (c_proj: reading this neuron’s output)</h3>
          <ConnectedList connected={related.c_proj} indexes={indexes} urlDataset={urlDataset} />
        </section>
      </div>
    </>
  );
}

function ConnectedList({
  connected,
  indexes,
  urlDataset,
}: {
  connected: ConnectedNeurons | null;
  indexes: Map<number, UseQueryResult<LayerIndex>>;
  urlDataset: string | null;
}) {
  if (!connected) return <Absent>None in the file.</Absent>;
  return (
    <>
      <NeuronList
        title="Positive weights"
        neurons={connected.top_positive_neurons}
        weights={connected.top_positive_weights}
        indexes={indexes}
        urlDataset={urlDataset}
      />
      <NeuronList
        title="Negative weights"
        neurons={connected.top_negative_neurons}
        weights={connected.top_negative_weights}
        indexes={indexes}
        urlDataset={urlDataset}
      />
    </>
  );
}

function NeuronList({
  title,
  neurons,
  weights,
  indexes,
  urlDataset,
}: {
  title: string;
  neurons: readonly NeuronRef[];
  weights: readonly number[];
  indexes: Map<number, UseQueryResult<LayerIndex>>;
  urlDataset: string | null;
}) {
  return (
    <div>
      <h4 className={styles.listTitle}>{title}</h4>
      {neurons.length === 0 ? (
        <Absent>None listed.</Absent>
      ) : (
        <ol className={styles.neuronList}>
          {neurons.map((ref, i) => {
            const index = indexes.get(ref.layer);
            const entry = index?.data ? layerIndexEntry(index.data, ref.neuron) : null;
            return (
              <li key={`${ref.layer}_${ref.neuron}_${i}`}>
                <span className={styles.neuronLine}>
                  <Link to={neuronPath(urlDataset, ref)}>
                    {ref.layer}:{ref.neuron}
                  </Link>
                  <span className={styles.tokenValue}>weight {formatActivation(weights[i])}</span>
                  {entry?.score != null && (
                    <span className={styles.tokenValue}>score {formatScore(entry.score)}</span>
                  )}
                </span>
                <span className={styles.neuronExplanation}>
                  {index?.isPending ? (
                    <Skeleton height="1.2rem" width="70%" />
                  ) : index?.isError ? (
                    <span className="muted">explanation unavailable (index failed)</span>
                  ) : entry?.explanation ? (
                    entry.explanation.trim()
                  ) : (
                    <span className="muted">no explanation</span>
                  )}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
