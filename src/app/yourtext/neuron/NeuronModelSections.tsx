/**
 * The neuron page's model sections, a chunk of their own loaded after the page's first paint:
 * "Activations on your text" (the neuron's values on a text the user types, in the colours of
 * its records) and "Check the model" (its top records run through the model and compared with
 * the recorded activations).
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { format } from 'd3-format';
import { create } from 'zustand';
import type { DatasetManifest } from '../../../core/dataset/types.ts';
import type { NeuronRecord } from '../../../core/format/types.ts';
import { APPROXIMATE_GELU_NOTE } from '../../../core/model/gelu-note.ts';
import type { NeuronCheck } from '../../../core/model/verify.ts';
import { recordsForCheck, type RecordsForCheck } from '../../../core/yourtext/records.ts';
import { isCancelled, modelWorker } from '../../model/client.ts';
import type { LoadedModel, TextActivations } from '../../model/types.ts';
import { textPath } from '../../../core/address/address.ts';
import type { ActivationColorScale } from '../../visuals/colorScale.ts';
import { formatActivation, visibleToken } from '../../visuals/tokens.ts';
import { ModelPanel, useDatasetModel } from '../ModelPanel.tsx';
import { SECTIONS, sectionElementId } from '../../neuron/sections.ts';
import { TextHeatmap } from '../TextHeatmap.tsx';
import { parseTextView, textViewParams } from '../viewState.ts';
import styles from '../YourText.module.css';
import { TextPageLink } from '../TextPageLink.tsx';

export interface NeuronModelSectionsProps {
  manifest: DatasetManifest;
  urlDataset: string | null;
  layer: number;
  neuron: number;
  /** The page's colour scale (its records'), once known. */
  scale: ActivationColorScale | null;
  /** The neuron's records: undefined while they load, null when it has none. */
  records: NeuronRecord | null | undefined;
}

/** The text typed here, kept while the user goes from neuron to neuron (this session only). */
const useNeuronText = create<{ text: string; setText: (text: string) => void }>()((set) => ({
  text: '',
  setText: (text) => set({ text }),
}));

export default function NeuronModelSections(props: NeuronModelSectionsProps) {
  const { status } = useDatasetModel(props.manifest);
  const model = status.kind === 'ready' ? status.info : null;
  return (
    <>
      <YourTextOnNeuron {...props} model={model} />
      <CheckModel {...props} model={model} />
    </>
  );
}

const RUN_DELAY = 350;

type Run =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; run: TextActivations }
  | { kind: 'error'; error: Error };

function YourTextOnNeuron({
  manifest,
  urlDataset,
  layer,
  neuron,
  scale,
  model,
}: NeuronModelSectionsProps & { model: LoadedModel | null }) {
  const id = useId();
  const { text, setText } = useNeuronText();
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const wanted = model !== null && text.trim() !== '';

  useEffect(() => {
    if (!wanted) return;
    let stale = false;
    const timer = setTimeout(() => {
      setRun({ kind: 'running' });
      modelWorker()
        .run({ text, top: 0, neurons: [{ layer, neuron }] })
        .then(
          (result) => {
            if (!stale) setRun({ kind: 'done', run: result });
          },
          (error: unknown) => {
            if (stale) return;
            if (isCancelled(error)) {
              setRun({ kind: 'idle' });
            } else {
              setRun({
                kind: 'error',
                error: error instanceof Error ? error : new Error(String(error)),
              });
            }
          },
        );
    }, RUN_DELAY);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [wanted, text, layer, neuron, model]);

  const shown = wanted ? run : ({ kind: 'idle' } as const);
  const values = shown.kind === 'done' ? (shown.run.neurons[0]?.activations ?? []) : null;
  return (
    <section
      id={sectionElementId('yourText')}
      className={styles.section}
      aria-labelledby={`${id}-heading`}
      data-section="your-text"
    >
      <h2 id={`${id}-heading`}>{SECTIONS.yourText}</h2>
      <ModelPanel manifest={manifest} autoStart={false} compact headingLevel={3} />
      <form className={styles.textForm} onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={`${id}-text`} className={styles.label}>
          Your text
        </label>
        <textarea
          id={`${id}-text`}
          className={styles.textarea}
          rows={3}
          value={text}
          spellCheck={false}
          placeholder={
            model
              ? `Type a text to see neuron ${layer}:${neuron} on it…`
              : 'Load the model to run a text'
          }
          onChange={(event) => setText(event.target.value)}
        />
      </form>
      {shown.kind === 'running' && (
        <div className={styles.runStatus} role="status" aria-busy="true">
          Running the model…
          <button type="button" onClick={() => void modelWorker().cancel()}>
            Cancel
          </button>
        </div>
      )}
      {shown.kind === 'error' && (
        <p className={styles.error} role="alert">
          The model could not run this text: {shown.error.message}
        </p>
      )}
      {shown.kind === 'done' && values && (
        <>
          <TextHeatmap
            tokens={shown.run.tokens}
            activations={values}
            scale={scale}
            label={`Your text, coloured by neuron ${layer}:${neuron}`}
          />
          <p className={styles.note} role="status">
            Largest activation on your text: {formatActivation(Math.max(...values))} (token{' '}
            {values.indexOf(Math.max(...values)) + 1}), in the colours of the records above.{' '}
            <TextPageLink
              to={textPath(
                urlDataset,
                textViewParams({
                  ...parseTextView(new URLSearchParams()),
                  text,
                  neuron: { layer, neuron },
                }),
              )}
            >
              All neurons on this text
            </TextPageLink>
          </p>
        </>
      )}
    </section>
  );
}

type Check =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; check: RecordsCheck }
  | { kind: 'error'; error: Error };

function CheckModel({
  manifest,
  layer,
  neuron,
  scale,
  records,
  model,
}: NeuronModelSectionsProps & { model: LoadedModel | null }) {
  const id = useId();
  const [check, setCheck] = useState<{ key: string; state: Check }>({
    key: '',
    state: { kind: 'idle' },
  });
  const top = records?.most_positive_activation_records ?? [];
  const key = `${layer}:${neuron}`;
  const state = check.key === key ? check.state : ({ kind: 'idle' } as const);

  function start() {
    const set = (next: Check) => setCheck({ key, state: next });
    const prepared = recordsForCheck(top);
    set({ kind: 'running', done: 0, total: prepared.records.length });
    // Progress comes through a port of its own: a last report can arrive after the result.
    let settled = false;
    modelWorker()
      .check(
        { layer, neuron },
        prepared.records.map((r) => ({ tokens: [...r.tokens], activations: [...r.activations] })),
        (done, total) => {
          if (!settled) set({ kind: 'running', done, total });
        },
      )
      .then(
        (result) => {
          settled = true;
          set({ kind: 'done', check: inRecordOrder(result, prepared) });
        },
        (error: unknown) => {
          settled = true;
          const failure = error instanceof Error ? error : new Error(String(error));
          set(isCancelled(failure) ? { kind: 'idle' } : { kind: 'error', error: failure });
        },
      );
  }

  return (
    <section
      id={sectionElementId('check')}
      className={styles.section}
      aria-labelledby={`${id}-heading`}
      data-section="check-model"
    >
      <h2 id={`${id}-heading`}>{SECTIONS.check}</h2>
      <p className={styles.note}>
        Runs the model on this neuron&rsquo;s {top.length || ''} top-activating records and compares
        what it computes with the activations the dataset recorded. Records store token strings, not
        token ids: each string is encoded on its own as one GPT-2 token, or else the record&rsquo;s
        whole text is encoded and must give back the same tokens. A token that is part of a
        character split over several tokens reads as � and its id is lost: the record is compared on
        the tokens before it (the model reads left to right, so they do not depend on it), and a
        record where nothing is left, or that does not encode back, is left out and listed.
      </p>
      <div className={styles.actions}>
        <button
          type="button"
          className={styles.primary}
          disabled={!model || top.length === 0 || state.kind === 'running'}
          onClick={start}
        >
          Check the model on {top.length} records
        </button>
        {!model && <span className={styles.note}>Load the model first (above).</span>}
        {records === null && <span className={styles.note}>This neuron has no records.</span>}
      </div>
      {state.kind === 'running' && (
        <div className={styles.runStatus} role="status" aria-busy="true">
          <span>
            {state.done} of {state.total} records run…
          </span>
          <progress max={state.total} value={state.done} aria-label="Records run" />
          <button type="button" onClick={() => void modelWorker().cancel()}>
            Cancel
          </button>
        </div>
      )}
      {state.kind === 'error' && (
        <p className={styles.error} role="alert">
          The check could not run: {state.error.message}
        </p>
      )}
      {state.kind === 'done' && (
        <CheckResult
          check={state.check}
          records={top}
          scale={scale}
          layer={layer}
          neuron={neuron}
          synthetic={manifest.synthetic}
        />
      )}
    </section>
  );
}

/** The worker's check, its record numbers those of the neuron's records, with the cut ones. */
interface RecordsCheck extends NeuronCheck {
  cut: RecordsForCheck['cut'];
}

function inRecordOrder(check: NeuronCheck, prepared: RecordsForCheck): RecordsCheck {
  const origin = (i: number) => prepared.origin[i]!;
  const computed: (number[] | null)[] = [];
  check.computed.forEach((values, i) => (computed[origin(i)] = values));
  return {
    ...check,
    worst: check.worst ? { ...check.worst, record: origin(check.worst.record) } : null,
    skipped: [
      ...prepared.skipped,
      ...check.skipped.map((skip) => ({ ...skip, record: origin(skip.record) })),
    ].sort((a, b) => a.record - b.record),
    computed,
    cut: prepared.cut,
  };
}

const smallFormat = format('.2~e');

/** A difference between activations: four decimals, or its exponent when smaller than that. */
function formatDifference(value: number | null): string {
  if (value !== null && value > 0 && value < 5e-5) return smallFormat(value).replace('-', '−');
  return formatActivation(value);
}

function CheckResult({
  check,
  records,
  scale,
  layer,
  neuron,
  synthetic,
}: {
  check: RecordsCheck;
  records: NeuronRecord['most_positive_activation_records'];
  scale: ActivationColorScale | null;
  layer: number;
  neuron: number;
  /** The demo: its records are what its model computes, with GPT-2's own GELU. */
  synthetic: boolean;
}) {
  const worst = check.worst;
  const worstRecord = worst ? records[worst.record] : undefined;
  const computed = worst ? check.computed[worst.record] : null;
  const largest = useMemo(() => Math.max(0, ...records.flatMap((r) => r.activations)), [records]);
  return (
    <div className={styles.checkResult} role="status" data-check="">
      <dl className={styles.figures}>
        <div>
          <dt>Median difference</dt>
          <dd data-figure="median">{formatDifference(check.medianDifference)}</dd>
        </div>
        <div>
          <dt>Largest difference</dt>
          <dd data-figure="max">{formatDifference(check.maxDifference)}</dd>
        </div>
        <div>
          <dt>Compared</dt>
          <dd>
            {check.tokens.toLocaleString('en-US')} tokens of {check.records} records
          </dd>
        </div>
        <div>
          <dt>Largest recorded activation</dt>
          <dd>{formatActivation(largest)}</dd>
        </div>
      </dl>
      <p className={styles.note}>
        {synthetic
          ? "This demo's records are what its model computes, with GPT-2's own GELU, written to four decimals: differences are that rounding. On the real release they are larger: "
          : ''}
        {APPROXIMATE_GELU_NOTE}
      </p>
      {check.skipped.length > 0 && (
        <div>
          <p>
            {check.skipped.length === 1 ? 'One record was' : `${check.skipped.length} records were`}{' '}
            left out:
          </p>
          <ul className={styles.skipped}>
            {check.skipped.map((skip) => (
              <li key={skip.record}>
                Record {skip.record + 1}: {skip.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {check.cut.length > 0 && (
        <div>
          <p>Compared in part:</p>
          <ul className={styles.skipped}>
            {check.cut.map((cut) => (
              <li key={cut.record}>
                Record {cut.record + 1}, its first {cut.tokens} of {cut.of} tokens: {cut.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {worst && worstRecord && computed && (
        <div className={styles.worst}>
          <p>
            The largest difference is at token {worst.token + 1}{' '}
            <code className={styles.token}>
              {visibleToken(worstRecord.tokens[worst.token] ?? '')}
            </code>{' '}
            of record {worst.record + 1}: recorded {formatActivation(worst.recorded)}, computed{' '}
            {formatActivation(worst.computed)}.
          </p>
          <p className={styles.label}>Record {worst.record + 1} as recorded</p>
          <TextHeatmap
            tokens={worstRecord.tokens.slice(0, computed.length)}
            activations={worstRecord.activations.slice(0, computed.length)}
            scale={scale}
            legend={false}
            label={`Record ${worst.record + 1} of neuron ${layer}:${neuron}, as recorded`}
          />
          <p className={styles.label}>… and as the model computes it</p>
          <TextHeatmap
            tokens={worstRecord.tokens.slice(0, computed.length)}
            activations={computed}
            scale={scale}
            label={`Record ${worst.record + 1} of neuron ${layer}:${neuron}, as computed`}
          />
        </div>
      )}
    </div>
  );
}
