import { useEffect, useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { browsePath, neuronPath } from '../../core/address/address.ts';
import type { NeuronTable as Table } from '../../core/browse/table.ts';
import { inScoreRange, type ScoreRange } from '../../core/browse/view.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { DEFAULT_MAX_TOKENS, tokenizeText } from '../../core/model/tokens.ts';
import { parseQuery } from '../../core/search/query.ts';
import { formatDuration } from '../../core/yourtext/model-source.ts';
import {
  neuronAlongText,
  neuronOfOrdinal,
  tokenActivations,
  topOrdinals,
} from '../../core/yourtext/rank.ts';
import { useManifest } from '../data/queries.ts';
import { useSearchService } from '../engine/client.ts';
import { useDatasetTable } from '../engine/store.ts';
import { useViewAnswer } from '../engine/views.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import { ManifestGate } from '../shell/ManifestGate.tsx';
import { SyntheticBadge } from '../shell/SyntheticBadge.tsx';
import { formatActivation, visibleToken } from '../visuals/tokens.ts';
import { ModelPanel, useDatasetModel } from './ModelPanel.tsx';
import { neuronFacts, NeuronTable } from './NeuronTable.tsx';
import { TextHeatmap } from './TextHeatmap.tsx';
import { TokenSearch } from './TokenSearch.tsx';
import { TokenStrip } from './TokenStrip.tsx';
import { useTextRun, type TextRunResult } from './useTextRun.ts';
import { useTextView, type UpdateTextView } from './useTextView.ts';
import type { TextView, TopSort } from './viewState.ts';
import styles from './YourText.module.css';

const EXAMPLE = 'The Marvel film opened in Paris on Friday, and fans queued for hours to see it.';
const TOKEN_TOP = 10;
const TEXT_TOP = 200;
const PAGE = 20;

/**
 * `#/text` and `#/d/<dataset>/text?t=...`: the user's own text through the dataset's model, in
 * the browser: its tokens, each token's strongest neurons, the neurons that fire most over the
 * whole text (filtered by layer, score and a keyword search of their explanations), and the text
 * drawn as any neuron's heatmap. The token search needs no model.
 */
export function YourTextPage() {
  const { dataset, urlDataset, datasets } = useDatasetRoute();
  const manifest = useManifest(dataset);
  useEffect(() => {
    document.title = 'Your text · Neuron Explorer';
  }, []);
  return (
    <ManifestGate
      heading="Your text"
      className={styles.page}
      dataset={dataset}
      datasets={datasets}
      manifest={manifest}
    >
      {(data) => <YourText manifest={data} urlDataset={urlDataset} />}
    </ManifestGate>
  );
}

function YourText({
  manifest,
  urlDataset,
}: {
  manifest: DatasetManifest;
  urlDataset: string | null;
}) {
  const { view, update } = useTextView();
  const { status, expected } = useDatasetModel(manifest);
  const model = status.kind === 'ready' ? status.info : null;
  const run = useTextRun(view.text, model);
  const service = useSearchService();
  const data = useDatasetTable(service, manifest);
  const table = data.loaded > 0 ? data.table : null;

  // The tokens: the run's when it is for this text, else GPT-2's tokenizer here (no model needed).
  const result = run.latest && run.latest.run.tokens.length > 0 ? run.latest : null;
  const current = result && run.state.kind === 'done' && run.state.text === view.text;
  const local = useMemo(() => tokenizeText(view.text, DEFAULT_MAX_TOKENS), [view.text]);
  const tokens = current ? result.run.tokens : local.tokens;
  const token = view.token !== null && view.token < tokens.length ? view.token : null;

  const pass = useNeuronFilter(manifest, table, data.loaded, view, expected, service);

  return (
    <article className={styles.page} aria-labelledby="text-heading">
      <header className={styles.header}>
        <p className={styles.eyebrow}>
          <Link to={browsePath(urlDataset)}>{manifest.title}</Link>
          {manifest.synthetic && <SyntheticBadge className={styles.badge} />}
        </p>
        <h1 id="text-heading">Your text</h1>
        <p className={styles.lede}>
          Type or paste a text: the model runs here, in your browser, and shows which of the
          dataset&rsquo;s neurons fire on each token.
        </p>
      </header>
      <div className={styles.columns}>
        <div className={styles.main}>
          <TextForm
            view={view}
            update={update}
            truncated={local.truncated}
            total={local.totalTokens}
          />
          <RunStatus
            run={run.state}
            modelReady={model !== null}
            onCancel={run.cancel}
            onRetry={run.rerun}
          />
          {tokens.length > 0 && (
            <section className={styles.section} aria-labelledby="tokens-heading">
              <h2 id="tokens-heading">Tokens</h2>
              <p className={styles.note}>
                {tokens.length} tokens, as GPT-2 reads the text. Choose one to see its neurons.
              </p>
              <TokenStrip
                tokens={tokens}
                selected={token}
                onSelect={(i) => update({ token: i, find: tokens[i] ?? '', exact: true })}
                label="Tokens of your text"
              />
            </section>
          )}
          {current && token !== null && (
            <TokenNeurons
              result={result}
              token={token}
              pass={pass.mask}
              table={table}
              urlDataset={urlDataset}
              picked={view.neuron}
              onPick={(layer, neuron) => update({ neuron: { layer, neuron } })}
            />
          )}
          {current && (
            <Heatmap
              result={result}
              view={view}
              update={update}
              table={table}
              urlDataset={urlDataset}
            />
          )}
          {current && (
            <TopNeurons
              result={result}
              view={view}
              update={update}
              pass={pass}
              table={table}
              urlDataset={urlDataset}
              manifest={manifest}
              layersLoaded={data.loaded}
              layersTotal={data.total}
            />
          )}
        </div>
        <aside className={styles.side}>
          <ModelPanel manifest={manifest} autoStart />
        </aside>
      </div>
      <TokenSearch
        manifest={manifest}
        table={table}
        urlDataset={urlDataset}
        find={view.find}
        exact={view.exact}
        layers={view.layers}
        onChange={update}
      />
    </article>
  );
}

function TextForm({
  view,
  update,
  truncated,
  total,
}: {
  view: TextView;
  update: UpdateTextView;
  truncated: boolean;
  total: number;
}) {
  const id = useId();
  return (
    <form className={styles.textForm} onSubmit={(event) => event.preventDefault()}>
      <label htmlFor={id} className={styles.label}>
        Text
      </label>
      <textarea
        id={id}
        className={styles.textarea}
        value={view.text}
        rows={4}
        spellCheck={false}
        placeholder="Type or paste a text…"
        onChange={(event) => update({ text: event.target.value, token: null })}
      />
      <div className={styles.actions}>
        {view.text === '' && (
          <button type="button" onClick={() => update({ text: EXAMPLE, token: null })}>
            Try an example
          </button>
        )}
        {truncated && (
          <p className={styles.note} role="status">
            The model reads the first {DEFAULT_MAX_TOKENS} of the text&rsquo;s {total} tokens, as
            the dataset&rsquo;s records are {DEFAULT_MAX_TOKENS} tokens long.
          </p>
        )}
      </div>
    </form>
  );
}

function RunStatus({
  run,
  modelReady,
  onCancel,
  onRetry,
}: {
  run: ReturnType<typeof useTextRun>['state'];
  modelReady: boolean;
  onCancel: () => void;
  onRetry: () => void;
}) {
  const since = run.kind === 'running' ? run.since : null;
  const [tick, setTick] = useState({ since: -1, elapsed: 0 });
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setTick({ since, elapsed: performance.now() - since }), 500);
    return () => clearInterval(timer);
  }, [since]);
  const elapsed = tick.since === since ? tick.elapsed : 0;
  if (!modelReady) {
    return (
      <p className={styles.note}>
        Load the model to see the neurons that fire on your text; the tokens and the token search
        below need no model.
      </p>
    );
  }
  switch (run.kind) {
    case 'idle':
      return null;
    case 'running':
      return (
        <div className={styles.runStatus} role="status" aria-busy="true">
          <span>
            Running the model over your text…
            {elapsed >= 1000 && ` ${formatDuration(elapsed / 1000)}`}
          </span>
          <progress
            aria-label="Model run"
            {...(run.layers ? { max: run.layers.total, value: run.layers.done } : {})}
          />
          {run.layers && (
            <span>
              layer {run.layers.done} of {run.layers.total}
            </span>
          )}
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      );
    case 'done': {
      const { run: activations, grid } = run.result;
      return (
        <p className={styles.note} role="status">
          Ran {activations.tokens.length} tokens through {grid.layers.length} layers ×{' '}
          {grid.neurons.toLocaleString('en-US')} neurons in {Math.round(activations.ms)} ms.
        </p>
      );
    }
    case 'error':
      return (
        <div className={styles.error} role="alert">
          <p>The model could not run this text: {run.error.message}</p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      );
  }
}

interface NeuronFilter {
  /** By model ordinal, 1 for neurons the filters let through; null when nothing filters. */
  mask: Uint8Array | null;
  /** The keyword search is still being answered (its layers still loading, or the worker busy). */
  searching: boolean;
}

/**
 * The neurons the page's filters let through: a layer range, a score range (neurons with no
 * score fail it) and a keyword search of the explanations (the browse engine's query language,
 * answered by its search worker over the dataset's layer indexes).
 */
function useNeuronFilter(
  manifest: DatasetManifest,
  table: Table | null,
  layersLoaded: number,
  view: TextView,
  expected: { layers: number; neuronsPerLayer: number },
  service: ReturnType<typeof useSearchService>,
): NeuronFilter {
  const query = view.query.trim();
  const searching = parseQuery(query).clauses.length > 0;
  // This page's score filter includes both ends (it has no histogram bars).
  const scoreRange = useMemo<ScoreRange | null>(
    () => (view.score ? { low: view.score[0], high: view.score[1], highIncluded: true } : null),
    [view.score],
  );
  const request = useMemo(
    () => ({
      query: searching ? query : '',
      filters: { layers: view.layers, score: scoreRange, records: 'any' as const },
      sort: { key: 'relevance' as const, descending: true },
    }),
    [searching, query, view.layers, scoreRange],
  );
  const key = `text:${layersLoaded}:${JSON.stringify(request)}`;
  const { state } = useViewAnswer(service, manifest, key, request);
  const answer = searching && state.key === key ? state.answer : null;
  const mask = useMemo(() => {
    const { layers: layerCount, neuronsPerLayer: n } = expected;
    if (!searching && !view.layers && !view.score) return null;
    const out = new Uint8Array(layerCount * n);
    if (searching) {
      if (!answer || !table) return out;
      // The worker applied the layer and score filters with the search.
      for (const row of answer.rows) {
        out[table.layerOf[row]! * n + table.neuronOf[row]!] = 1;
      }
      return out;
    }
    const [low, high] = view.layers ?? [0, layerCount - 1];
    for (let layer = Math.max(0, low); layer <= Math.min(high, layerCount - 1); layer++) {
      if (!scoreRange) {
        out.fill(1, layer * n, (layer + 1) * n);
        continue;
      }
      for (let neuron = 0; neuron < n; neuron++) {
        const row = table ? table.rowOf(layer, neuron) : -1;
        const score = row >= 0 ? table!.score[row]! : NaN;
        if (inScoreRange(score, scoreRange)) out[layer * n + neuron] = 1;
      }
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the table grows as layers load
  }, [expected, searching, answer, table, layersLoaded, view.layers, scoreRange]);
  return { mask, searching: searching && answer === null };
}

function TokenNeurons({
  result,
  token,
  pass,
  table,
  urlDataset,
  picked,
  onPick,
}: {
  result: TextRunResult;
  token: number;
  pass: Uint8Array | null;
  table: Table | null;
  urlDataset: string | null;
  picked: TextView['neuron'];
  onPick: (layer: number, neuron: number) => void;
}) {
  const values = useMemo(() => tokenActivations(result.grid, token), [result, token]);
  const top = useMemo(() => topOrdinals(values, pass, TOKEN_TOP), [values, pass]);
  const text = result.run.tokens[token] ?? '';
  return (
    <section className={styles.section} aria-labelledby="token-heading">
      <h2 id="token-heading">
        Token {token + 1} <code className={styles.token}>{visibleToken(text)}</code>: its strongest
        neurons
      </h2>
      <p className={styles.note}>
        Over all {result.grid.layers.length} layers
        {pass ? ', among the neurons the filters below let through' : ''}.
      </p>
      <NeuronTable
        caption={`Strongest neurons at token ${token + 1}`}
        columns={['Activation']}
        rows={Array.from(top, (ordinal) => ({
          ...neuronOfOrdinal(result.grid, ordinal),
          values: [values[ordinal]!],
        }))}
        table={table}
        urlDataset={urlDataset}
        onPick={onPick}
        picked={picked}
      />
    </section>
  );
}

function Heatmap({
  result,
  view,
  update,
  table,
  urlDataset,
}: {
  result: TextRunResult;
  view: TextView;
  update: UpdateTextView;
  table: Table | null;
  urlDataset: string | null;
}) {
  const id = useId();
  const { grid, max } = result;
  // Without a choice, the neuron that fires most over the text.
  const strongest = useMemo(
    () => neuronOfOrdinal(grid, topOrdinals(max, null, 1)[0] ?? 0),
    [grid, max],
  );
  const inModel =
    view.neuron !== null &&
    view.neuron.layer < grid.layers.length &&
    view.neuron.neuron < grid.neurons;
  const neuron = inModel ? view.neuron! : strongest;
  const values = useMemo(
    () => neuronAlongText(grid, neuron.layer, neuron.neuron),
    [grid, neuron.layer, neuron.neuron],
  );
  const facts = neuronFacts(table, neuron.layer, neuron.neuron);
  return (
    <section className={styles.section} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        Your text as neuron{' '}
        <Link to={neuronPath(urlDataset, neuron)}>
          {neuron.layer}:{neuron.neuron}
        </Link>{' '}
        sees it
      </h2>
      {facts.explanation && (
        <p className={styles.note}>
          <q>{facts.explanation.trim()}</q>
        </p>
      )}
      <NeuronPicker
        key={`${neuron.layer}:${neuron.neuron}`}
        neuron={neuron}
        onPick={(picked) => update({ neuron: picked })}
      />
      {view.neuron && !inModel && (
        <p className={styles.error} role="alert">
          The model has no neuron {view.neuron.layer}:{view.neuron.neuron}: layers 0–
          {grid.layers.length - 1}, neurons 0–{grid.neurons - 1}.
        </p>
      )}
      <TextHeatmap
        tokens={result.run.tokens}
        activations={values}
        label={`Your text, coloured by neuron ${neuron.layer}:${neuron.neuron}`}
        recordedMax={facts.maxActivation}
      />
      <p className={styles.note}>
        The colours run to {formatActivation(Math.max(facts.maxActivation ?? 0, ...values))}
        {facts.maxActivation !== null
          ? `: the larger of the neuron's strongest activation in its records (${formatActivation(facts.maxActivation)}) and on this text`
          : ', its strongest activation on this text'}
        .
      </p>
    </section>
  );
}

/** A neuron typed as layer:neuron (starts as the one drawn; remounted when that changes). */
function NeuronPicker({
  neuron,
  onPick,
}: {
  neuron: { layer: number; neuron: number };
  onPick: (neuron: { layer: number; neuron: number }) => void;
}) {
  const id = useId();
  const [typed, setTyped] = useState(`${neuron.layer}:${neuron.neuron}`);
  return (
    <form
      className={styles.findForm}
      onSubmit={(event) => {
        event.preventDefault();
        const match = /^\s*(\d+)\s*[:/_ ]\s*(\d+)\s*$/.exec(typed);
        if (match) onPick({ layer: Number(match[1]), neuron: Number(match[2]) });
      }}
    >
      <label htmlFor={id}>Neuron (layer:neuron)</label>
      <input
        id={id}
        value={typed}
        inputMode="numeric"
        onChange={(event) => setTyped(event.target.value)}
      />
      <button type="submit">Draw</button>
    </form>
  );
}

const SORTS: { key: TopSort; label: string }[] = [
  { key: 'activation', label: 'Activation' },
  { key: 'score', label: 'Score' },
  { key: 'layer', label: 'Layer' },
];

function TopNeurons({
  result,
  view,
  update,
  pass,
  table,
  urlDataset,
  manifest,
  layersLoaded,
  layersTotal,
}: {
  result: TextRunResult;
  view: TextView;
  update: UpdateTextView;
  pass: NeuronFilter;
  table: Table | null;
  urlDataset: string | null;
  manifest: DatasetManifest;
  layersLoaded: number;
  layersTotal: number;
}) {
  const id = useId();
  const [shown, setShown] = useState(PAGE);
  const { grid, max, at } = result;
  const top = useMemo(() => topOrdinals(max, pass.mask, TEXT_TOP), [max, pass.mask]);
  const rows = useMemo(() => {
    const list = Array.from(top, (ordinal) => ({
      ordinal,
      ...neuronOfOrdinal(grid, ordinal),
      score: neuronFacts(table, Math.floor(ordinal / grid.neurons), ordinal % grid.neurons).score,
    }));
    if (view.sort === 'score') {
      list.sort(
        (a, b) =>
          (b.score ?? -Infinity) - (a.score ?? -Infinity) || max[b.ordinal]! - max[a.ordinal]!,
      );
    } else if (view.sort === 'layer') {
      list.sort((a, b) => a.layer - b.layer || a.neuron - b.neuron);
    }
    return list;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- scores fill in as layers load
  }, [top, grid, max, table, layersLoaded, view.sort]);
  const layerCount = grid.layers.length;
  return (
    <section className={styles.section} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>The neurons that fire most over your text</h2>
      <form className={styles.filters} role="search" onSubmit={(e) => e.preventDefault()}>
        <label className={styles.grow}>
          Explanations about
          <input
            type="search"
            value={view.query}
            placeholder="e.g. sport"
            onChange={(e) => {
              setShown(PAGE);
              update({ query: e.target.value });
            }}
          />
        </label>
        <label>
          Layers
          <span className={styles.range}>
            <input
              type="number"
              min={0}
              max={layerCount - 1}
              aria-label="From layer"
              value={view.layers?.[0] ?? ''}
              placeholder="0"
              onChange={(e) =>
                update({ layers: layerRange(e.target.value, view.layers?.[1], layerCount) })
              }
            />
            –
            <input
              type="number"
              min={0}
              max={layerCount - 1}
              aria-label="To layer"
              value={view.layers?.[1] ?? ''}
              placeholder={String(layerCount - 1)}
              onChange={(e) =>
                update({ layers: layerRange(view.layers?.[0], e.target.value, layerCount) })
              }
            />
          </span>
        </label>
        <label>
          Score at least
          <input
            type="number"
            step={0.05}
            min={-1}
            max={1}
            value={view.score?.[0] ?? ''}
            placeholder="any"
            onChange={(e) => {
              const low = e.target.value === '' ? null : Number(e.target.value);
              update({ score: low === null || !Number.isFinite(low) ? null : [low, 1] });
            }}
          />
        </label>
        <label>
          Order by
          <select value={view.sort} onChange={(e) => update({ sort: e.target.value as TopSort })}>
            {SORTS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className={styles.note} role="status">
        {pass.searching
          ? 'Searching the explanations…'
          : `${rows.length === TEXT_TOP ? `The ${TEXT_TOP} strongest` : rows.length.toLocaleString('en-US')} neurons${pass.mask ? ' the filters let through' : ''}, by their largest activation anywhere in the text.`}
        {layersLoaded < layersTotal &&
          ` Explanations and scores: ${layersLoaded} of ${layersTotal} layers loaded.`}
      </p>
      {view.query.trim() !== '' && manifest.layers.length > 0 && (
        <p className={styles.note}>
          The keyword search reads the explanations as the browse page does:{' '}
          <Link to={browsePath(urlDataset) + `?q=${encodeURIComponent(view.query.trim())}`}>
            all neurons about {JSON.stringify(view.query.trim())}
          </Link>
          .
        </p>
      )}
      <NeuronTable
        caption="Neurons that fire most over your text"
        columns={['Max act.', 'At token']}
        rows={rows.slice(0, shown).map((row) => ({
          layer: row.layer,
          neuron: row.neuron,
          values: [
            max[row.ordinal]!,
            `${at[row.ordinal]! + 1} ${visibleToken(result.run.tokens[at[row.ordinal]!] ?? '')}`,
          ],
        }))}
        table={table}
        urlDataset={urlDataset}
        onPick={(layer, neuron) => update({ neuron: { layer, neuron } })}
        picked={view.neuron}
      />
      {rows.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, rows.length - shown)} more
        </button>
      )}
    </section>
  );
}

/** A layer range from two typed bounds (empty: open); null when it covers every layer. */
function layerRange(
  low: string | number | undefined,
  high: string | number | undefined,
  layers: number,
): [number, number] | null {
  const read = (value: string | number | undefined, fallback: number) =>
    value === undefined || value === '' || !Number.isFinite(Number(value))
      ? fallback
      : Math.max(0, Math.min(layers - 1, Math.floor(Number(value))));
  const from = read(low, 0);
  const to = read(high, layers - 1);
  if (from === 0 && to === layers - 1) return null;
  return from <= to ? [from, to] : [to, from];
}
