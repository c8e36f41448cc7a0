/**
 * A neuron page's first screen, drawn before the app's JavaScript has run: the neuron's header
 * (explanation and score) and its top-activating records, written as HTML into index.html's
 * placeholder page by the early-fetch script (./early-fetch.ts) from the files it fetched. The
 * app then renders the same screen in its first render (main.tsx waits until it can) and takes
 * over without anything moving: the markup comes from the same functions (visuals/recordHtml.ts,
 * neuron/model.ts), the classes from styles/first-screen.css, and the boxes only the app fills
 * (navigation, section links, legend) have fixed sizes there.
 *
 * Only the ordinary case is drawn: a dataset that is not the synthetic demo, a neuron with records
 * and a best explanation (or none), files that JSON.parse reads. Anything else waits for the app,
 * which checks every file and says what is wrong.
 */
import type { NeuronAddress } from '../core/address/address.ts';
import type { DatasetManifest } from '../core/dataset/types.ts';
import type { NeuronRecord, NeuronSimulationResults } from '../core/format/types.ts';
import { neuronDomain, rankExplanations, recordGroups } from './neuron/model.ts';
import { SECTIONS } from './neuron/sections.ts';
import { activationColorScale, type ColorTheme } from './visuals/colorScale.ts';
import { recordRowsHtml } from './visuals/recordHtml.ts';
import { formatScore } from './visuals/tokens.ts';

/** The header's explanation and score, as the app writes it (NeuronView's summary). */
function explanationSummaryHtml(explanation: string, score: number | null): string {
  const text = escape(explanation.trim());
  return `<p title="${text}"><q>${text}</q> <span class="neuron-score">score ${formatScore(score)}</span></p>`;
}

/** What the line above a neuron's name says of its dataset (from the manifest). */
export interface DatasetLine {
  title: string;
  firstLayer: number;
  lastLayer: number;
}

/** The dataset's line from its manifest's text; null for the synthetic demo (drawn by the app). */
export function datasetLineOf(manifestText: string): DatasetLine | null {
  const manifest = JSON.parse(manifestText) as DatasetManifest;
  if (manifest.synthetic || !Array.isArray(manifest.layers) || typeof manifest.title !== 'string')
    return null;
  return {
    title: manifest.title,
    firstLayer: manifest.layers[0]?.layer ?? 0,
    lastLayer: manifest.layers.at(-1)?.layer ?? 0,
  };
}

export interface FirstScreenFiles {
  line: DatasetLine;
  /** The explanation file's text; null when the neuron has none (404), undefined if not in yet. */
  explanations: string | null | undefined;
  records: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string) => text.replace(/[&<>"]/g, (char) => ESCAPES[char]!);

/** The theme the page is drawn in: the remembered choice on <html data-theme>, else the system's. */
export function documentTheme(): ColorTheme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The first screen's HTML, or null when it is not the ordinary case (see above). */
export function firstScreenHtml(
  address: NeuronAddress,
  files: FirstScreenFiles,
  theme: ColorTheme,
): string | null {
  const record = JSON.parse(files.records) as NeuronRecord;
  const results =
    typeof files.explanations === 'string'
      ? (JSON.parse(files.explanations) as NeuronSimulationResults)
      : null;
  if (!Array.isArray(record.most_positive_activation_records)) return null;
  if (results !== null && !Array.isArray(results.scored_explanations)) return null;

  const top = recordGroups(record)[0]!;
  if (top.records.length === 0) return null;
  const scale = activationColorScale(neuronDomain(record, null), theme);
  const drawings = top.records.slice(0, top.initial).map((activationRecord) => {
    let max = -Infinity;
    for (const value of activationRecord.activations) if (value > max) max = value;
    return {
      tokens: activationRecord.tokens,
      tokenStyles: activationRecord.activations.map(scale),
      max,
    };
  });

  const best = rankExplanations(results)[0];
  const summary =
    files.explanations === undefined
      ? '<span class="skeleton" style="height:1.6rem;width:60%"></span>'
      : best
        ? explanationSummaryHtml(best.explanation.explanation, best.score)
        : '<p class="muted">Not explained</p>';
  const { title, firstLayer, lastLayer } = files.line;
  const more =
    top.records.length > top.initial
      ? `<button type="button" class="more-button" aria-expanded="false">Show all ${top.records.length}</button>`
      : '';
  return (
    `<article aria-labelledby="neuron-heading" class="neuron-page">` +
    `<header class="neuron-header"><p class="neuron-eyebrow">${escape(title)} · layer ${address.layer} (of ${firstLayer}–${lastLayer})</p>` +
    `<h1 id="neuron-heading">Neuron ${address.layer}:${address.neuron}</h1>` +
    `<div class="neuron-summary">${summary}</div></header>` +
    `<div class="neuron-nav"><span class="skeleton" style="height:2.25rem;width:min(36rem,100%)"></span></div>` +
    `<div class="section-links"></div>` +
    `<div class="neuron-sections"><section id="section-top" aria-labelledby="top-heading" class="neuron-section">` +
    `<div class="section-header"><h2 id="top-heading" tabindex="-1">${SECTIONS.top}<span class="section-count"> (${top.records.length})</span></h2>` +
    `<div class="legend-slot"></div></div>` +
    `<ol class="record-list">${recordRowsHtml(drawings, top.title, top.records.length, top.initial)}</ol>` +
    `${more}</section></div></article>`
  );
}
