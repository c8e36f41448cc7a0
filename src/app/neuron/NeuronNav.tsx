import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { formatNeuronAddress, neuronPath, type NeuronAddress } from '../../core/address/address.ts';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { prefetchNeuron } from '../data/queries.ts';
import { pickWeighted } from '../engine/lookup.ts';
import type { LayerFailure } from '../engine/store.ts';
import type { Seek } from '../engine/neurons.ts';
import { Skeleton } from '../shell/Skeleton.tsx';
import { isTypingTarget, neighbours } from './navigation.ts';
import { carriedViewState } from './viewState.ts';
import styles from './NeuronPage.module.css';

// The browse engine (workers, layer indexes) comes in once the page has painted.
const engine = () => import('../engine/neurons.ts');

const SEEKS: Record<string, Seek> = {
  'Shift+ArrowLeft': { kind: 'explained', direction: -1 },
  'Shift+ArrowRight': { kind: 'explained', direction: 1 },
  '[': { kind: 'records', direction: -1 },
  ']': { kind: 'records', direction: 1 },
};

const seekWords = ({ kind, direction }: Seek) =>
  `${direction === 1 ? 'next' : 'previous'} ${kind === 'explained' ? 'explained neuron' : 'neuron with records'}`;

/** The layers a seek passed over because their indexes could not be read, with why. */
const unreadableWords = (unreadable: readonly LayerFailure[]) =>
  unreadable
    .map(({ layer, error }) => `layer ${layer}'s index could not be read (${error.message})`)
    .join('; ');

/**
 * Previous/next neuron and layer (links, and the arrow keys when no control has focus), the
 * previous/next explained neuron (Shift+arrows) and neuron with records ([ and ]), which look
 * through the layer indexes (loaded by the browse engine), a random explained neuron, and a
 * copy-link button. Once the page has painted, the neighbours' files are prefetched.
 */
export function NeuronNav({
  dataset,
  urlDataset,
  manifest,
  address,
  params,
  linkParams,
  prefetch,
}: {
  dataset: string;
  /** The dataset as the URL names it (null: the release form); links keep that form. */
  urlDataset: string | null;
  manifest: DatasetManifest;
  address: NeuronAddress;
  /** The current search params; display choices carry over to the next neuron. */
  params: URLSearchParams;
  /** The search params a copied link holds. */
  linkParams: URLSearchParams;
  /** True once this neuron's page has painted: only then are the neighbours prefetched. */
  prefetch: boolean;
}) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const near = useMemo(() => neighbours(manifest.layers, address), [manifest.layers, address]);
  const carried = useMemo(() => carriedViewState(params), [params]);
  const pathTo = useCallback(
    (target: NeuronAddress) => neuronPath(urlDataset, target, carried),
    [urlDataset, carried],
  );
  // Keys pressed quickly can come before the page has re-rendered for the last one: they step
  // from the neuron last gone to, not from the one on screen.
  const goneTo = useRef<NeuronAddress | null>(null);
  useEffect(() => {
    goneTo.current = null;
  }, [address]);
  const go = useCallback(
    (target: NeuronAddress) => {
      goneTo.current = target;
      void navigate(pathTo(target));
    },
    [navigate, pathTo],
  );
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (!prefetch) return;
    for (const target of [near.nextNeuron, near.previousNeuron]) {
      if (target) prefetchNeuron(client, dataset, target);
    }
  }, [client, dataset, near, prefetch]);

  // The neurons the seek buttons lead to, once this layer's index is in (after the first paint):
  // undefined where finding out needs other layers (the button then looks when pressed).
  const here = formatNeuronAddress(address);
  const [found, setFound] = useState<{
    from: string;
    targets: Record<string, NeuronAddress | null | undefined>;
  } | null>(null);
  const targets = found?.from === here ? found.targets : {};
  useEffect(() => {
    if (!prefetch) return;
    let live = true;
    engine()
      .then((neurons) => neurons.nearbySeeks(manifest, address, SEEKS))
      .then(
        (nearby) => {
          if (!live) return;
          setFound({ from: here, targets: nearby });
          for (const target of Object.values(nearby)) {
            if (target) prefetchNeuron(client, dataset, target);
          }
        },
        () => {},
      );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `here` names the address
  }, [manifest, here, prefetch, client, dataset]);

  const seeking = useRef(0);
  const runSeek = useCallback(
    async (from: NeuronAddress, seek: Seek) => {
      const id = ++seeking.current;
      setStatus(`Looking for the ${seekWords(seek)}…`);
      try {
        const { found, unreadable } = await (await engine()).seek(manifest, from, seek);
        if (id !== seeking.current) return;
        const passed = unreadable.length > 0 ? unreadableWords(unreadable) : '';
        if (found) {
          setStatus(passed && `Passed over ${passed}.`);
          go(found);
        } else {
          setStatus(
            `No ${seekWords(seek)} ${seek.direction === 1 ? 'after' : 'before'} ${formatNeuronAddress(from)}${passed && ` (${passed})`}.`,
          );
        }
      } catch (error) {
        if (id === seeking.current)
          setStatus(`Could not look through the layer indexes: ${(error as Error).message}`);
      }
    },
    [manifest, go],
  );

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTypingTarget(event.target)) return;
      const live = goneTo.current;
      const from = live ?? address;
      const name = event.shiftKey ? `Shift+${event.key}` : event.key;
      const seek = SEEKS[name];
      if (seek) {
        event.preventDefault();
        void runSeek(from, seek);
        return;
      }
      if (event.shiftKey) return;
      const moved =
        live && (live.layer !== address.layer || live.neuron !== address.neuron)
          ? neighbours(manifest.layers, live)
          : near;
      const targets: Record<string, NeuronAddress | null> = {
        ArrowLeft: moved.previousNeuron,
        ArrowRight: moved.nextNeuron,
        ArrowUp: moved.previousLayer,
        ArrowDown: moved.nextLayer,
      };
      const target = targets[event.key];
      if (target === undefined) return;
      event.preventDefault();
      if (target) go(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [near, go, address, manifest.layers, runSeek]);

  const [randomBusy, setRandomBusy] = useState(false);
  const random = async () => {
    setRandomBusy(true);
    setStatus('');
    try {
      if (!manifest.layers.some((layer) => layer.explained > 0)) {
        const layer = pickWeighted(manifest.layers, (candidate) => candidate.neurons);
        if (layer) go({ layer: layer.layer, neuron: Math.floor(Math.random() * layer.neurons) });
        return;
      }
      go(await (await engine()).randomExplained(manifest, address));
    } catch (error) {
      setStatus(`Could not pick a random neuron: ${(error as Error).message}`);
    } finally {
      setRandomBusy(false);
    }
  };

  const [fallbackLink, setFallbackLink] = useState<string | null>(null);
  const copyLink = async () => {
    const { origin, pathname } = window.location;
    const link = `${origin}${pathname}#${neuronPath(dataset, address, linkParams)}`;
    try {
      await navigator.clipboard.writeText(link);
      setFallbackLink(null);
      setStatus('Link copied');
    } catch {
      setFallbackLink(link);
      setStatus('Copy the link below');
    }
  };
  useEffect(() => {
    if (!status || status.endsWith('…')) return;
    const timer = window.setTimeout(() => setStatus(''), 6000);
    return () => window.clearTimeout(timer);
  }, [status]);

  const step = (target: NeuronAddress | null, label: string, text: string, key: string) =>
    target ? (
      <Link
        className="button"
        to={pathTo(target)}
        aria-label={`${label}: ${formatNeuronAddress(target)}`}
        aria-keyshortcuts={key}
        onPointerEnter={() => prefetchNeuron(client, dataset, target)}
        onFocus={() => prefetchNeuron(client, dataset, target)}
      >
        {text}
      </Link>
    ) : (
      <button type="button" disabled aria-label={`${label} (none)`}>
        {text}
      </button>
    );

  const seekButton = (key: string, text: string) => {
    const seek = SEEKS[key]!;
    const target = targets[key];
    const words = seekWords(seek);
    const label = words[0]!.toUpperCase() + words.slice(1);
    return (
      <button
        type="button"
        onClick={() => void runSeek(address, seek)}
        disabled={target === null}
        aria-label={
          target
            ? `${label}: ${formatNeuronAddress(target)}`
            : target === null
              ? `${label} (none)`
              : label
        }
        aria-keyshortcuts={key}
        onPointerEnter={() => target && prefetchNeuron(client, dataset, target)}
      >
        {text}
      </button>
    );
  };

  return (
    <nav aria-label="Neuron navigation" className="neuron-nav">
      <div className={styles.navRow}>
        <div className={styles.navGroup}>
          {step(near.previousNeuron, 'Previous neuron', '← Neuron', 'ArrowLeft')}
          {step(near.nextNeuron, 'Next neuron', 'Neuron →', 'ArrowRight')}
        </div>
        <div className={styles.navGroup}>
          {step(near.previousLayer, 'Previous layer', '↑ Layer', 'ArrowUp')}
          {step(near.nextLayer, 'Next layer', 'Layer ↓', 'ArrowDown')}
        </div>
        <div className={styles.navGroup}>
          {seekButton('Shift+ArrowLeft', '← Explained')}
          {seekButton('Shift+ArrowRight', 'Explained →')}
        </div>
        <div className={styles.navGroup}>
          {seekButton('[', '← With records')}
          {seekButton(']', 'With records →')}
        </div>
        <div className={styles.navGroup}>
          <button type="button" onClick={() => void random()} disabled={randomBusy}>
            Random neuron
          </button>
          <button type="button" onClick={() => void copyLink()}>
            Copy link
          </button>
        </div>
      </div>
      <div className={styles.navInfo}>
        <p className={styles.keysHint}>
          Keys: <kbd>←</kbd> <kbd>→</kbd> neuron, <kbd>↑</kbd> <kbd>↓</kbd> layer, <kbd>Shift</kbd>+
          <kbd>←</kbd> <kbd>→</kbd> explained, <kbd>[</kbd> <kbd>]</kbd> with records
        </p>
        <p role="status" className={styles.navStatus}>
          {status}
        </p>
      </div>
      {fallbackLink && (
        <label className={styles.fallbackLink}>
          Link to this view
          <input readOnly value={fallbackLink} onFocus={(event) => event.target.select()} />
        </label>
      )}
    </nav>
  );
}

/** The navigation's place while the manifest loads. */
export function NeuronNavSkeleton() {
  return (
    <div className="neuron-nav" aria-hidden="true">
      <Skeleton height="2.25rem" width="min(36rem, 100%)" />
    </div>
  );
}
