import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import type { DatasetManifest } from '../../core/dataset/types.ts';
import { explainedNeurons } from '../data/layerIndex.ts';
import { layerIndexQuery, prefetchNeuron } from '../data/queries.ts';
import { neuronPath, parseNeuronAddress, type NeuronAddress } from '../paths.ts';
import { isTypingTarget, neighbours } from './navigation.ts';
import { carriedViewState } from './viewState.ts';
import styles from './NeuronPage.module.css';

function pickWeighted<T>(items: readonly T[], weight: (item: T) => number): T | undefined {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let ticket = Math.random() * total;
  for (const item of items) {
    ticket -= weight(item);
    if (ticket < 0) return item;
  }
  return items.at(-1);
}

/**
 * Previous/next neuron and layer (buttons, and the arrow keys when no control has focus), a random
 * explained neuron, and a copy-link button. The neighbours' files are prefetched.
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
  /** True once this neuron's own files are in: only then are the neighbours prefetched. */
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
  const go = useCallback(
    (target: NeuronAddress) => void navigate(pathTo(target)),
    [navigate, pathTo],
  );

  useEffect(() => {
    if (!prefetch) return;
    for (const target of [near.nextNeuron, near.previousNeuron]) {
      if (target) prefetchNeuron(client, dataset, target.layer, target.neuron);
    }
  }, [client, dataset, near, prefetch]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (
        event.defaultPrevented ||
        event.altKey ||
        event.ctrlKey ||
        event.metaKey ||
        event.shiftKey
      )
        return;
      if (isTypingTarget(event.target)) return;
      // Keys pressed quickly can come before the page has re-rendered for the last one: step
      // from the neuron in the address bar, not from the one on screen.
      const live = parseNeuronAddress(window.location.hash.split('?')[0] ?? '');
      const from =
        live && (live.layer !== address.layer || live.neuron !== address.neuron)
          ? neighbours(manifest.layers, live)
          : near;
      const targets: Record<string, NeuronAddress | null> = {
        ArrowLeft: from.previousNeuron,
        ArrowRight: from.nextNeuron,
        ArrowUp: from.previousLayer,
        ArrowDown: from.nextLayer,
      };
      const target = targets[event.key];
      if (target === undefined) return;
      event.preventDefault();
      if (target) go(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [near, go, address, manifest.layers]);

  const [randomError, setRandomError] = useState<string | null>(null);
  const [randomBusy, setRandomBusy] = useState(false);
  const random = async () => {
    setRandomBusy(true);
    setRandomError(null);
    try {
      const explainedLayers = manifest.layers.filter((layer) => layer.explained > 0);
      if (explainedLayers.length === 0) {
        const layer = pickWeighted(manifest.layers, (candidate) => candidate.neurons);
        if (layer) go({ layer: layer.layer, neuron: Math.floor(Math.random() * layer.neurons) });
        return;
      }
      const layer = pickWeighted(explainedLayers, (candidate) => candidate.explained)!;
      const index = await client.fetchQuery(layerIndexQuery(dataset, layer.layer, manifest));
      const explained = explainedNeurons(index);
      const others = explained.filter(
        (candidate) => layer.layer !== address.layer || candidate !== address.neuron,
      );
      const candidates = others.length > 0 ? others : explained;
      const neuron = candidates[Math.floor(Math.random() * candidates.length)];
      if (neuron === undefined)
        throw new Error(`layer ${layer.layer}'s index lists no explained neuron`);
      go({ layer: layer.layer, neuron });
    } catch (error) {
      setRandomError(`Could not pick a random neuron: ${(error as Error).message}`);
    } finally {
      setRandomBusy(false);
    }
  };

  const [copyStatus, setCopyStatus] = useState('');
  const [fallbackLink, setFallbackLink] = useState<string | null>(null);
  const copyLink = async () => {
    const { origin, pathname } = window.location;
    const link = `${origin}${pathname}#${neuronPath(dataset, address, linkParams)}`;
    try {
      await navigator.clipboard.writeText(link);
      setFallbackLink(null);
      setCopyStatus('Link copied');
    } catch {
      setFallbackLink(link);
      setCopyStatus('Copy the link below');
    }
  };
  useEffect(() => {
    if (!copyStatus) return;
    const timer = window.setTimeout(() => setCopyStatus(''), 4000);
    return () => window.clearTimeout(timer);
  }, [copyStatus]);

  const step = (target: NeuronAddress | null, label: string, text: string, key: string) =>
    target ? (
      <Link
        className="button"
        to={pathTo(target)}
        aria-label={`${label}: ${target.layer}:${target.neuron}`}
        aria-keyshortcuts={key}
        onPointerEnter={() => prefetchNeuron(client, dataset, target.layer, target.neuron)}
        onFocus={() => prefetchNeuron(client, dataset, target.layer, target.neuron)}
      >
        {text}
      </Link>
    ) : (
      <button type="button" disabled aria-label={`${label} (none)`}>
        {text}
      </button>
    );

  return (
    <nav aria-label="Neuron navigation" className={styles.nav}>
      <div className={styles.navGroup}>
        {step(near.previousNeuron, 'Previous neuron', '← Neuron', 'ArrowLeft')}
        {step(near.nextNeuron, 'Next neuron', 'Neuron →', 'ArrowRight')}
      </div>
      <div className={styles.navGroup}>
        {step(near.previousLayer, 'Previous layer', '↑ Layer', 'ArrowUp')}
        {step(near.nextLayer, 'Next layer', 'Layer ↓', 'ArrowDown')}
      </div>
      <div className={styles.navGroup}>
        <button type="button" onClick={() => void random()} disabled={randomBusy}>
          Random neuron
        </button>
        <button type="button" onClick={() => void copyLink()}>
          Copy link
        </button>
      </div>
      <p className={styles.keysHint}>
        Keys: <kbd>←</kbd> <kbd>→</kbd> neuron, <kbd>↑</kbd> <kbd>↓</kbd> layer
      </p>
      <p role="status" className={styles.navStatus}>
        {randomError ?? copyStatus}
      </p>
      {fallbackLink && (
        <label className={styles.fallbackLink}>
          Link to this view
          <input readOnly value={fallbackLink} onFocus={(event) => event.target.select()} />
        </label>
      )}
    </nav>
  );
}
