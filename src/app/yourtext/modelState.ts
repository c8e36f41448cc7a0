/**
 * The page's model, as every part of the app that runs it sees it: which dataset model is
 * loaded or loading, from where, how far along, or what went wrong. One store for the session,
 * like the model worker itself (src/app/model/client.ts): a model loaded on the "Your text" page
 * is still there on a neuron page, and the other way round.
 *
 * A load of a URL source first probes it (config and header: a few KB) for its size and whether
 * the browser holds a copy; a download above ASK_ABOVE_BYTES waits for the user to confirm it.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import {
  ASK_ABOVE_BYTES,
  type ExpectedModel,
  type WeightsChoice,
} from '../../core/yourtext/model-source.ts';
import { modelWorker } from '../model/client.ts';
import type { LoadedModel, LoadProgress, ModelProbe, ModelSource } from '../model/types.ts';

export type ModelStatus =
  | { kind: 'idle' }
  | { kind: 'probing'; label: string }
  | { kind: 'confirm'; label: string; probe: ModelProbe; source: UrlSource }
  | { kind: 'loading'; label: string; progress: LoadProgress | null }
  | { kind: 'ready'; label: string; info: LoadedModel }
  | { kind: 'error'; label: string; error: Error; retry: (() => void) | null };

type UrlSource = Extract<ModelSource, { kind: 'url' }>;

/** The status of a probe or load that failed with `error` (anything thrown), and its retry. */
function failed(label: string, error: unknown, retry: () => void): ModelStatus {
  return {
    kind: 'error',
    label,
    error: error instanceof Error ? error : new Error(String(error)),
    retry,
  };
}

interface ModelState {
  /** The dataset model (its name and shape) the status is about; null before the first load. */
  expected: ExpectedModel | null;
  status: ModelStatus;
  /** Probes a URL source and loads it (at once when small or kept, else after confirm()). */
  prepare: (expected: ExpectedModel, choice: WeightsChoice) => void;
  /** Goes ahead with the download the status asks about. */
  confirm: () => void;
  /** Loads files the user picked: a model.safetensors and its config (a file, or config text). */
  loadFiles: (expected: ExpectedModel, weights: File, config: File | string) => void;
  /** Stops a probe or a load. */
  cancel: () => void;
}

/** The source of a choice, with the server's relative base made absolute (the worker needs it). */
export function sourceOf(choice: WeightsChoice): UrlSource {
  return {
    kind: 'url',
    base: new URL(choice.base, document.baseURI).href,
    version: choice.version,
  };
}

/** How a source is named on the page: "this server", or the host of the public files. */
export function choiceLabel(choice: WeightsChoice): string {
  return choice.origin === 'server' ? 'this server' : new URL(choice.base).host;
}

function sameModel(a: ExpectedModel | null, b: ExpectedModel): boolean {
  return (
    a !== null &&
    a.model === b.model &&
    a.layers === b.layers &&
    a.neuronsPerLayer === b.neuronsPerLayer
  );
}

const IDLE: ModelStatus = { kind: 'idle' };

/**
 * The status, when it is about the model `expected` names (else it belongs to another dataset's
 * model, and this one is idle). The same object while nothing changes (a store selector).
 */
export function statusFor(
  state: Pick<ModelState, 'expected' | 'status'>,
  expected: ExpectedModel,
): ModelStatus {
  return sameModel(state.expected, expected) ? state.status : IDLE;
}

let attempt = 0;

export const useModelState = create<ModelState>()((set, get) => {
  /** Runs `work` as the current attempt; a newer prepare or a cancel makes it stale. */
  const current = () => {
    const mine = ++attempt;
    return () => mine === attempt;
  };

  const expectedShape = (expected: ExpectedModel) => ({
    dataset: expected.dataset,
    layers: expected.layers,
    neuronsPerLayer: expected.neuronsPerLayer,
  });

  const load = (
    expected: ExpectedModel,
    source: ModelSource,
    label: string,
    isCurrent: () => boolean,
  ) => {
    set({ expected, status: { kind: 'loading', label, progress: null } });
    // Progress comes through a port of its own: a last report can arrive after the load's end.
    let settled = false;
    modelWorker()
      .load({ source, expected: expectedShape(expected) }, (progress) => {
        if (isCurrent() && !settled) set({ status: { kind: 'loading', label, progress } });
      })
      .then(
        (info) => {
          settled = true;
          if (isCurrent()) set({ status: { kind: 'ready', label, info } });
        },
        (error: unknown) => {
          settled = true;
          if (!isCurrent()) return;
          set({ status: failed(label, error, () => load(expected, source, label, current())) });
        },
      );
  };

  return {
    expected: null,
    status: IDLE,

    prepare(expected, choice) {
      const isCurrent = current();
      const source = sourceOf(choice);
      const label = choiceLabel(choice);
      set({ expected, status: { kind: 'probing', label } });
      modelWorker()
        .probe(source, expectedShape(expected))
        .then(
          (probe) => {
            if (!isCurrent()) return;
            const ask = !probe.cached && (probe.bytes === null || probe.bytes > ASK_ABOVE_BYTES);
            if (ask) set({ status: { kind: 'confirm', label, probe, source } });
            else load(expected, source, label, isCurrent);
          },
          (error: unknown) => {
            if (!isCurrent()) return;
            set({ status: failed(label, error, () => get().prepare(expected, choice)) });
          },
        );
    },

    confirm() {
      const { status, expected } = get();
      if (status.kind !== 'confirm' || !expected) return;
      load(expected, status.source, status.label, current());
    },

    loadFiles(expected, weights, config) {
      load(
        expected,
        { kind: 'files', weights, config },
        typeof config === 'string' ? weights.name : `${weights.name} and ${config.name}`,
        current(),
      );
    },

    cancel() {
      const { status } = get();
      current();
      if (status.kind === 'loading') void modelWorker().cancelLoad();
      if (status.kind !== 'ready') set({ status: IDLE });
    },
  };
});

interface ModelSettings {
  /** Per dataset model, the base URL of its public files when not Hugging Face's. */
  publicBase: Record<string, string>;
  setPublicBase: (model: string, base: string | null) => void;
}

/** Where to fetch each model's public files, remembered across visits. */
export const useModelSettings = create<ModelSettings>()(
  persist(
    (set) => ({
      publicBase: {},
      setPublicBase: (model, base) =>
        set(({ publicBase }) => {
          const next = { ...publicBase };
          if (base === null) delete next[model];
          else next[model] = base;
          return { publicBase: next };
        }),
    }),
    {
      name: 'neuron-explorer.model-settings',
      version: 1,
      partialize: ({ publicBase }) => ({ publicBase }),
    },
  ),
);
