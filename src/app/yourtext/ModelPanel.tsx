import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { ModelFileError } from '../../core/model/errors.ts';
import { CONFIG_FILE } from '../../core/model/sources.ts';
import {
  expectedModel,
  formatBytes,
  formatDuration,
  normalizeBaseUrl,
  weightsChoices,
  type ExpectedModel,
  type WeightsChoice,
  type WeightsOrigin,
} from '../../core/yourtext/model-source.ts';
import { useServerModels } from '../data/models.ts';
import { textPath } from '../../core/address/address.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import type { LoadProgress } from '../model/types.ts';
import {
  choiceLabel,
  statusFor,
  useModelSettings,
  useModelState,
  type ModelStatus,
} from './modelState.ts';
import styles from './YourText.module.css';
import { TextPageLink } from './TextPageLink.tsx';

/** The dataset's model, and where its weights can come from (server, public files, your files). */
export function useDatasetModel(manifest: DatasetManifest) {
  const expected = useMemo(() => expectedModel(manifest), [manifest]);
  const servers = useServerModels();
  const custom = useModelSettings((s) => s.publicBase[expected.model] ?? null);
  const choices = useMemo(
    () => weightsChoices(expected.model, servers.data?.models ?? null, custom),
    [expected.model, servers.data, custom],
  );
  const status = useModelState((state) => statusFor(state, expected));
  return { expected, choices, status, serversPending: servers.isPending, custom };
}

const PHASES: Record<LoadProgress['phase'], string> = {
  header: 'Reading the header',
  weights: 'Reading the weights',
  prepare: 'Preparing the runtime',
  done: 'Done',
};

const FROM: Record<NonNullable<LoadProgress['from']>, string> = {
  network: 'downloading',
  cache: "from this browser's copy",
  file: 'from your file',
};

function progressText(progress: LoadProgress): string {
  const parts = [`${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`];
  if (progress.bytesPerSecond !== null) parts.push(`${formatBytes(progress.bytesPerSecond)}/s`);
  if (progress.etaSeconds !== null && progress.phase === 'weights') {
    parts.push(`about ${formatDuration(progress.etaSeconds)} left`);
  }
  return parts.join(' · ');
}

function modelTitle(expected: ExpectedModel): string {
  const neurons = (expected.layers * expected.neuronsPerLayer).toLocaleString('en-US');
  return `${expected.model} (${expected.layers} layers × ${expected.neuronsPerLayer.toLocaleString('en-US')} neurons = ${neurons})`;
}

/**
 * The dataset's model: where its weights come from, a confirmation before a large download, the
 * load's progress (bytes, rate, time left) with a cancel, what went wrong and where, and once
 * loaded, what it is and where it came from. `autoStart` begins with the best source as soon as
 * the page opens (the "Your text" page); else the user starts it.
 */
export function ModelPanel({
  manifest,
  autoStart,
  compact = false,
  headingLevel = 2,
}: {
  manifest: DatasetManifest;
  autoStart: boolean;
  /** Only the status and a load from the best source (other sources: the "Your text" page). */
  compact?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { expected, choices, status, serversPending, custom } = useDatasetModel(manifest);
  const { urlDataset } = useDatasetRoute();
  const prepare = useModelState((s) => s.prepare);
  const [origin, setOrigin] = useState<WeightsOrigin | 'files' | null>(null);
  const chosen: WeightsOrigin | 'files' =
    origin ?? choices[0]?.origin ?? (serversPending ? 'server' : 'files');
  const choice = choices.find((c) => c.origin === chosen) ?? null;
  const headingId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  // Start once, when nothing is loaded or loading for this model: from the source the user chose
  // while the server's list was coming, else the best one (never with files: they are picked).
  const started = useRef(false);
  useEffect(() => {
    if (!autoStart || started.current || serversPending || status.kind !== 'idle') return;
    if (origin === 'files') return;
    const start = choices.find((c) => c.origin === origin) ?? choices[0];
    if (!start) return;
    started.current = true;
    prepare(expected, start);
  }, [autoStart, serversPending, status.kind, choices, origin, expected, prepare]);

  const busy = status.kind === 'probing' || status.kind === 'loading';
  if (compact) {
    const best = choices[0];
    return (
      <section className={styles.panel} aria-labelledby={headingId}>
        <Heading id={headingId}>Model</Heading>
        <p className={styles.modelName}>{modelTitle(expected)}</p>
        <StatusView status={status} expected={expected} />
        <div className={styles.actions}>
          {best && (status.kind === 'idle' || status.kind === 'error') && (
            <button type="button" onClick={() => prepare(expected, best)}>
              Load {expected.model} from {choiceLabel(best)}
            </button>
          )}
          <TextPageLink to={textPath(urlDataset)}>Other sources, or your own files</TextPageLink>
        </div>
      </section>
    );
  }
  return (
    <section className={styles.panel} aria-labelledby={headingId}>
      <Heading id={headingId}>Model</Heading>
      <p className={styles.modelName}>{modelTitle(expected)}</p>
      <StatusView status={status} expected={expected} />
      <fieldset className={styles.sources} disabled={busy}>
        <legend>Weights from</legend>
        {choices.map((c) => (
          <label key={c.origin} className={styles.sourceOption}>
            <input
              type="radio"
              name={`${headingId}-source`}
              checked={chosen === c.origin}
              // A click on the radio that shows as chosen is a choice too: the default can change
              // when the server's list arrives, the user's choice must not.
              onClick={() => setOrigin(c.origin)}
              onChange={() => setOrigin(c.origin)}
            />
            {c.origin === 'server' ? (
              <span>
                this server
                {c.bytes !== null && <span className="muted"> ({formatBytes(c.bytes)})</span>}
              </span>
            ) : (
              <span>
                public files at <code className={styles.url}>{c.base}</code>
              </span>
            )}
          </label>
        ))}
        <label className={styles.sourceOption}>
          <input
            type="radio"
            name={`${headingId}-source`}
            checked={chosen === 'files'}
            onClick={() => setOrigin('files')}
            onChange={() => setOrigin('files')}
          />
          <span>files on this computer</span>
        </label>
        {choices.length === 0 && !serversPending && (
          <p className={styles.note}>
            Neither this server nor a public address has the weights of {expected.model}: pick the
            files, or give the address of a folder holding {CONFIG_FILE} and model.safetensors.
          </p>
        )}
      </fieldset>
      {chosen === 'files' ? (
        <FilePicker expected={expected} choice={choices[0] ?? null} disabled={busy} />
      ) : (
        choice &&
        status.kind !== 'confirm' &&
        // Loaded from another source than the one chosen: offer to load from this one instead.
        !(status.kind === 'ready' && status.label === choiceLabel(choice)) && (
          <button type="button" disabled={busy} onClick={() => prepare(expected, choice)}>
            Load {expected.model} from {choiceLabel(choice)}
          </button>
        )
      )}
      <PublicAddress model={expected.model} custom={custom} />
    </section>
  );
}

function StatusView({ status, expected }: { status: ModelStatus; expected: ExpectedModel }) {
  const confirm = useModelState((s) => s.confirm);
  const cancel = useModelState((s) => s.cancel);
  switch (status.kind) {
    case 'idle':
      return <p className={styles.status}>Not loaded.</p>;
    case 'probing':
      return (
        <p className={styles.status} role="status">
          Asking {status.label} for the model's size…{' '}
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </p>
      );
    case 'confirm': {
      const { probe } = status;
      const size = probe.bytes === null ? 'of unknown size' : formatBytes(probe.bytes);
      return (
        <div className={styles.confirm} role="alertdialog" aria-label="Confirm the download">
          <p>
            The weights of {expected.model} are {size} ({probe.parameters.toLocaleString('en-US')}{' '}
            parameters, {probe.fileDtypes.join(' and ')} in the file;{' '}
            {formatBytes(probe.storedBytes)} as {probe.storage} in memory). Download them from{' '}
            {status.label}? A copy is kept in this browser, so the next visit needs no download.
          </p>
          <div className={styles.actions}>
            <button type="button" className={styles.primary} onClick={confirm}>
              Download {probe.bytes === null ? '' : formatBytes(probe.bytes)}
            </button>
            <button type="button" onClick={cancel}>
              Not now
            </button>
          </div>
        </div>
      );
    }
    case 'loading': {
      const { progress } = status;
      return (
        <div className={styles.loading} aria-busy="true">
          <p className={styles.status} role="status">
            {progress
              ? `${PHASES[progress.phase]}${progress.from ? ` (${FROM[progress.from]})` : ''}…`
              : `Starting the load from ${status.label}…`}
          </p>
          <progress
            className={styles.progress}
            aria-label="Model load"
            {...(progress && progress.total > 0
              ? { max: progress.total, value: progress.loaded }
              : {})}
          />
          <div className={styles.actions}>
            {progress && <p className={styles.progressText}>{progressText(progress)}</p>}
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      );
    }
    case 'ready': {
      const { info } = status;
      const from =
        info.from === 'cache' ? "from this browser's copy (no download)" : `from ${status.label}`;
      return (
        <p className={styles.status} role="status" data-ready="">
          <strong>Loaded</strong> {from} in {formatDuration(info.loadMs / 1000)}
          {info.from === 'network' &&
            info.kept &&
            ', and kept in this browser for next time'} · {formatBytes(info.storedBytes)} of weights
          in {info.storage} · {info.backend}
        </p>
      );
    }
    case 'error':
      return <LoadError status={status} />;
  }
}

function LoadError({ status }: { status: Extract<ModelStatus, { kind: 'error' }> }) {
  const { error, retry } = status;
  const file = error instanceof ModelFileError ? error : null;
  return (
    <div className={styles.error} role="alert">
      <p>
        <strong>The model could not be loaded.</strong>{' '}
        {file ? file.fault.charAt(0).toUpperCase() + file.fault.slice(1) : error.message}
      </p>
      {file && (
        <dl className={styles.where}>
          <dt>File</dt>
          <dd>
            <code>{file.file}</code>
          </dd>
          {file.tensor !== undefined && (
            <>
              <dt>Tensor</dt>
              <dd>
                <code>{file.tensor}</code>
              </dd>
            </>
          )}
          {file.offset !== undefined && (
            <>
              <dt>Byte</dt>
              <dd>{file.offset.toLocaleString('en-US')}</dd>
            </>
          )}
        </dl>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A model.safetensors (and its config.json) from the user's computer. */
function FilePicker({
  expected,
  choice,
  disabled,
}: {
  expected: ExpectedModel;
  /** Where the config can be read from when the user picks only the weights. */
  choice: WeightsChoice | null;
  disabled: boolean;
}) {
  const loadFiles = useModelState((s) => s.loadFiles);
  const [weights, setWeights] = useState<File | null>(null);
  const [config, setConfig] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!weights) return;
    setProblem(null);
    if (config) {
      loadFiles(expected, weights, config);
      return;
    }
    // Only the weights: the config (a few hundred bytes) from wherever the model is published.
    const base = choice ? new URL(choice.base, document.baseURI).href : null;
    try {
      if (!base) throw new Error('no address');
      const response = await fetch(`${base}${CONFIG_FILE}`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      loadFiles(expected, weights, await response.text());
    } catch {
      setProblem(
        `Pick the ${CONFIG_FILE} that goes with ${weights.name} too: it could not be read from ${base ?? 'a public address'}.`,
      );
    }
  }

  return (
    <form className={styles.files} onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-weights`}>model.safetensors</label>
      <input
        id={`${id}-weights`}
        type="file"
        accept=".safetensors"
        disabled={disabled}
        onChange={(e) => setWeights(e.target.files?.[0] ?? null)}
      />
      <label htmlFor={`${id}-config`}>
        {CONFIG_FILE} <span className="muted">(optional when the model is published)</span>
      </label>
      <input
        id={`${id}-config`}
        type="file"
        accept=".json,application/json"
        disabled={disabled}
        onChange={(e) => setConfig(e.target.files?.[0] ?? null)}
      />
      <button type="submit" disabled={disabled || !weights}>
        Load these files
      </button>
      {problem && (
        <p className={styles.error} role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The address of the model's public files, when not Hugging Face's (a mirror, your own host). */
function PublicAddress({ model, custom }: { model: string; custom: string | null }) {
  const setPublicBase = useModelSettings((s) => s.setPublicBase);
  const [text, setText] = useState(custom ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  return (
    <details className={styles.address}>
      <summary>Public files somewhere else</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim() === '') {
            setPublicBase(model, null);
            setProblem(null);
            return;
          }
          const base = normalizeBaseUrl(text);
          if (!base) {
            setProblem(
              'Give an http(s) address, e.g. https://huggingface.co/openai-community/gpt2-xl/resolve/main/',
            );
            return;
          }
          setProblem(null);
          setText(base);
          setPublicBase(model, base);
        }}
      >
        <label htmlFor={id}>
          Address of a folder holding {CONFIG_FILE} and model.safetensors for {model} (empty for
          Hugging Face's)
        </label>
        <div className={styles.actions}>
          <input
            id={id}
            type="url"
            value={text}
            placeholder="https://…/resolve/main/"
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit">Use this address</button>
        </div>
        {problem && (
          <p className={styles.error} role="alert">
            {problem}
          </p>
        )}
      </form>
    </details>
  );
}
