/**
 * The static dataset that ingest writes and the app loads. A dataset folder (one per dataset under
 * DATA_DIR, named by its id) holds:
 *
 *   manifest.json                     DatasetManifest: always fetched fresh (no-cache)
 *   index/layer-{L}.{hash}.json       LayerIndex for layer L; content-hashed, cacheable forever
 *   index/layer-{L}.{hash}.json.gz    the same, gzipped, for servers that send precompressed files
 *   search/...                        room for search indexes (named in the manifest)
 *   ingest-report.json                IngestReport: missing and malformed files
 *
 * Per-neuron files (explanations/, collated-activations/, related-tokens/, related-neurons/) are
 * read from `manifest.source` and served at the same relative paths under the dataset's URL, so the
 * app always fetches `datasets/{id}/explanations/{L}/{N}.jsonl` whatever the source is.
 *
 * The list of datasets is `datasets/index.json` (DatasetList).
 */

export const MANIFEST_FORMAT = 'neuron-explorer.manifest/1';
export const LAYER_INDEX_FORMAT = 'neuron-explorer.layer-index/1';

export interface DatasetListEntry {
  id: string;
  title: string;
  model: string;
  synthetic: boolean;
}

export interface DatasetList {
  /** The dataset that the release-form link `#/layers/L/neurons/N` opens. */
  default: string;
  datasets: DatasetListEntry[];
}

export interface ScoreHistogram {
  /** Bin edges, ascending; counts[i] counts scores in [edges[i], edges[i+1]) (last bin closed). */
  edges: number[];
  counts: number[];
}

export interface ScoreQuantiles {
  min: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  max: number;
}

export interface LayerSummary {
  layer: number;
  /** Neurons in the layer (6,400 for GPT-2 XL), whether or not any file exists for them. */
  neurons: number;
  /** Neurons with an explanation file that parsed. */
  explained: number;
  /** Neurons with an activation-records file that parsed. */
  withRecords: number;
  /** Scores of the explained neurons' best explanations; null when none has a score. */
  scores: { count: number; mean: number; quantiles: ScoreQuantiles } | null;
  /** Path of this layer's LayerIndex, relative to the dataset folder. */
  index: string;
  indexBytes: number;
  indexGzipBytes: number;
}

export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  title: string;
  /** The subject model, e.g. "gpt2-xl". */
  model: string;
  /** True for the generated demo dataset: the app labels it a synthetic demo. */
  synthetic: boolean;
  /**
   * Where per-neuron files are read from: "." (this folder), an absolute local path, or an
   * http(s) base URL in the published layout.
   */
  source: string;
  createdAt: string;
  layers: LayerSummary[];
  /** Over every explained neuron of every layer. */
  scoreSummary: {
    count: number;
    mean: number | null;
    histogram: ScoreHistogram;
    quantiles: ScoreQuantiles | null;
  };
  /** Which kinds of per-neuron file the source was seen to hold (by ingest). */
  fileKinds: string[];
  /** Relative path of the ingest report, when there is one. */
  report?: string;
  /** Relative paths of search index files, when ingest wrote any. */
  search?: Record<string, string>;
  /**
   * Set by the parser, never written: layers whose entries cannot be used (listed twice, or with a
   * damaged field), which are left out of `layers`. The app shows them as layers that failed.
   */
  layerProblems?: ManifestLayerProblem[];
}

/** A layer of a manifest that cannot be used, and why (the message names the file and field). */
export interface ManifestLayerProblem {
  layer: number;
  message: string;
}

/**
 * One layer's neurons, column by column (compact: one array per field, neurons ascending).
 * Lists every neuron that has an explanation or activation records.
 */
export interface LayerIndex {
  format: typeof LAYER_INDEX_FORMAT;
  layer: number;
  neurons: number[];
  /** The best explanation's ev_correlation_score; null when unscored or unexplained. */
  scores: (number | null)[];
  /** The best explanation; null when the neuron has no explanation. */
  explanations: (string | null)[];
  /** Largest activation in the neuron's records; null when there are no records. */
  maxActivations: (number | null)[];
  /** 1 when the neuron has activation records, else 0. */
  hasRecords: (0 | 1)[];
}

export interface IngestProblem {
  /** Path relative to the source, e.g. "explanations/31/1593.jsonl". */
  path: string;
  kind: 'missing' | 'malformed' | 'unreadable';
  message: string;
}

/**
 * Missing means a neuron of a layer without an explanation file (records are optional). Problems
 * are listed up to a cap per layer (200 missing, 2,000 others); `omitted` counts the rest.
 */
export interface IngestReport {
  source: string;
  startedAt: string;
  finishedAt: string;
  layers: number[];
  filesRead: number;
  explained: number;
  missing: number;
  malformed: number;
  unreadable: number;
  omitted: number;
  problems: IngestProblem[];
}
