import { useMemo } from 'react';
import { Link } from 'react-router';
import { formatNeuronAddress, neuronPath, type NeuronAddress } from '../../core/address/address.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import {
  neuronFilePath,
  type ConnectedNeurons,
  type NeuronRef,
  type RelatedNeurons,
  type TokensAndWeights,
} from '../../core/format/types.ts';
import { useNeuronFile } from '../data/queries.ts';
import { useSearchService } from '../engine/client.ts';
import { neuronEntry } from '../engine/lookup.ts';
import { useLayers, type DatasetTable } from '../engine/store.ts';
import { formatActivation, formatScore, visibleToken } from '../visuals/tokens.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { Absent, FileState } from './FileState.tsx';
import { SECTIONS, sectionElementId } from './sections.ts';
import styles from './NeuronPage.module.css';

/**
 * Related tokens (by mean activation; by weights, into and out of the neuron) and related neurons
 * (upstream through c_fc, downstream through c_proj), each neuron with its best explanation and
 * score from its layer's index (read by the browse engine, as the browse page reads them).
 */
export function RelatedSection({
  dataset,
  urlDataset,
  manifest,
  address,
}: {
  dataset: string;
  urlDataset: string | null;
  manifest: DatasetManifest;
  address: NeuronAddress;
}) {
  const { layer, neuron } = address;
  const activationTokens = useNeuronFile(dataset, 'related-tokens/activation-based', layer, neuron);
  const weightTokens = useNeuronFile(dataset, 'related-tokens/weight-based', layer, neuron);
  const relatedNeurons = useNeuronFile(dataset, 'related-neurons/weight-based', layer, neuron);
  const listSkeleton = (
    <div aria-hidden="true" className={styles.stack}>
      <Skeleton height="6rem" />
    </div>
  );
  return (
    <section
      id={sectionElementId('related')}
      aria-labelledby="related-heading"
      className="neuron-section"
    >
      <h2 id="related-heading" tabIndex={-1}>
        {SECTIONS.related}
      </h2>
      <div className={styles.relatedGrid}>
        <section aria-labelledby="mean-tokens-heading">
          <h3 id="mean-tokens-heading">Tokens with the highest mean activation</h3>
          <FileState
            query={activationTokens}
            path={neuronFilePath('related-tokens/activation-based', layer, neuron)}
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
            path={neuronFilePath('related-tokens/weight-based', layer, neuron)}
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
        path={neuronFilePath('related-neurons/weight-based', layer, neuron)}
        skeleton={listSkeleton}
        absent={<Absent>No related-neurons file for this neuron.</Absent>}
      >
        {(related) => (
          <RelatedNeuronsView related={related} manifest={manifest} urlDataset={urlDataset} />
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
  manifest,
  urlDataset,
}: {
  related: RelatedNeurons;
  manifest: DatasetManifest;
  urlDataset: string | null;
}) {
  const layers = useMemo(() => {
    const all = [related.c_fc, related.c_proj].flatMap((connected) =>
      connected ? [...connected.top_positive_neurons, ...connected.top_negative_neurons] : [],
    );
    const known = new Set(manifest.layers.map((entry) => entry.layer));
    return [...new Set(all.map((ref) => ref.layer))]
      .filter((layer) => known.has(layer))
      .sort((a, b) => a - b);
  }, [related, manifest]);
  const indexes = useLayers(useSearchService(), manifest, layers);
  const failed = indexes.failures.filter((failure) => layers.includes(failure.layer));
  return (
    <>
      {failed.map(({ layer, error }) => (
        <p key={layer} role="alert" className={styles.fileError}>
          Could not read the index of layer {layer}: {error.message}
        </p>
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
  indexes: DatasetTable;
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
  indexes: DatasetTable;
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
            const inDataset = indexes.table.rowOf(ref.layer, ref.neuron) >= 0;
            const loaded = indexes.table.loadedLayers.has(ref.layer);
            const failed = indexes.failures.some((failure) => failure.layer === ref.layer);
            const entry = loaded ? neuronEntry(indexes.table, ref) : null;
            return (
              <li key={`${ref.layer}_${ref.neuron}_${i}`}>
                <span className={styles.neuronLine}>
                  <Link to={neuronPath(urlDataset, ref)}>{formatNeuronAddress(ref)}</Link>
                  <span className={styles.tokenValue}>weight {formatActivation(weights[i])}</span>
                  {entry?.score != null && (
                    <span className={styles.tokenValue}>score {formatScore(entry.score)}</span>
                  )}
                </span>
                <span className={styles.neuronExplanation}>
                  {!inDataset ? (
                    <span className="muted">not in this dataset</span>
                  ) : failed ? (
                    <span className="muted">explanation unavailable (index failed)</span>
                  ) : !loaded ? (
                    <Skeleton height="1.2rem" width="70%" />
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
