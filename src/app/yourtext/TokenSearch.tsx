import { useId, useMemo, useState } from 'react';
import type { NeuronTable as Table } from '../../core/browse/table.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { queryTokenShard, type TokenSort } from '../../core/tokens-index/query.ts';
import { useTokenIndex, useTokenShard } from '../data/models.ts';
import { visibleToken } from '../visuals/tokens.ts';
import { NeuronTable } from './NeuronTable.tsx';
import styles from './YourText.module.css';

const PAGE = 20;

/**
 * "Which neurons respond to ` Marvel`", with no model: the dataset's token index (built at ingest
 * from each neuron's related tokens and top records) looked up for the token, the neurons with the
 * strongest mean activation on it first.
 */
export function TokenSearch({
  manifest,
  table,
  urlDataset,
  find,
  exact,
  layers,
  onChange,
  headingLevel = 2,
}: {
  manifest: DatasetManifest;
  table: Table | null;
  urlDataset: string | null;
  find: string;
  exact: boolean;
  layers: [number, number] | null;
  onChange: (change: { find?: string; exact?: boolean }) => void;
  headingLevel?: 2 | 3;
}) {
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const [sort, setSort] = useState<TokenSort>('mean');
  const [shown, setShown] = useState(PAGE);
  const head = useTokenIndex(manifest.id, manifest);
  const shard = useTokenShard(manifest.id, head.data, find);
  const answer = useMemo(
    () =>
      shard.data && find !== ''
        ? queryTokenShard(shard.data, { text: find, exact, sort, layers, limit: 500 })
        : null,
    [shard.data, find, exact, sort, layers],
  );

  return (
    <section className={styles.section} aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`}>Which neurons respond to a token (no model needed)</Heading>
      <p className={styles.note}>
        From the dataset itself: each neuron&rsquo;s tokens with the highest mean activation over
        the release&rsquo;s text, and the strongest tokens of its top-activating records.
      </p>
      {head.absent ? (
        <p className={styles.note}>
          This dataset has no token index: ingest it again to build one (it needs the related-tokens
          files or the activation records).
        </p>
      ) : (
        <>
          <form
            className={styles.findForm}
            role="search"
            onSubmit={(event) => event.preventDefault()}
          >
            <label htmlFor={`${id}-find`}>Token</label>
            <input
              id={`${id}-find`}
              type="search"
              value={find}
              spellCheck={false}
              autoComplete="off"
              placeholder="e.g.  Marvel"
              onChange={(e) => {
                setShown(PAGE);
                onChange({ find: e.target.value });
              }}
            />
            <label className={styles.inline}>
              <input
                type="checkbox"
                checked={exact}
                onChange={(e) => onChange({ exact: e.target.checked })}
              />
              exactly this token (space and case)
            </label>
            <label className={styles.inline}>
              Order by{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as TokenSort)}>
                <option value="mean">mean activation on the token</option>
                <option value="top">activation in top records</option>
              </select>
            </label>
          </form>
          {(head.isError || shard.isError) && (
            <p role="alert" className={styles.error}>
              Could not read the token index: {(head.error ?? shard.error)?.message}
            </p>
          )}
          {find !== '' && !answer && !shard.isError && !head.isError && (
            <p className={styles.note} role="status">
              Looking up {JSON.stringify(find)}…
            </p>
          )}
          {answer && (
            <div role="status" className={styles.findAnswer}>
              {answer.matches.length === 0 ? (
                <p>
                  No neuron of this dataset lists {JSON.stringify(find)}
                  {exact ? ' (spelled exactly so)' : ''} among its tokens.
                </p>
              ) : (
                <p>
                  {answer.complete ? '' : 'At least '}
                  {answer.total.toLocaleString('en-US')} neurons
                  {layers ? ` in layers ${layers[0]}–${layers[1]}` : ''} respond to{' '}
                  {answer.matches.map((m, i) => (
                    <span key={m.token}>
                      {i > 0 && ', '}
                      <code className={styles.token}>{visibleToken(m.token)}</code>
                    </span>
                  ))}
                  .
                </p>
              )}
            </div>
          )}
          {answer && answer.hits.length > 0 && (
            <>
              <NeuronTable
                caption={`Neurons that respond to ${find}`}
                columns={['Mean act.', 'Top-record act.']}
                rows={answer.hits.slice(0, shown).map((hit) => ({
                  layer: hit.layer,
                  neuron: hit.neuron,
                  values: [hit.mean, hit.top],
                }))}
                table={table}
                urlDataset={urlDataset}
              />
              {answer.hits.length > shown && (
                <button type="button" onClick={() => setShown((n) => n + PAGE)}>
                  Show {Math.min(PAGE, answer.hits.length - shown)} more
                </button>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
