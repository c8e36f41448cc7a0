/**
 * Every neuron of a dataset as columns of typed arrays, for browsing 307,200 rows without
 * building an object per row. A row is a neuron's ordinal in the dataset: the neurons of earlier
 * layers (by the manifest's per-layer counts) plus the neuron's index. Layers are added as their
 * indexes load; a neuron is listed once its layer has loaded and its layer index names it.
 */
import type { LayerIndex } from '../dataset/types.ts';
import { floatKey, radixOrder, radixSort, refineTies } from './radix.ts';

/** One layer index as typed columns (what the search worker hands to the page). */
export interface LayerColumns {
  layer: number;
  neurons: Int32Array;
  /** NaN where the layer index has null. */
  scores: Float64Array;
  /** NaN where the layer index has null. */
  maxActivations: Float64Array;
  hasRecords: Uint8Array;
  explanations: (string | null)[];
}

const orNaN = (value: number | null | undefined) => (value == null ? NaN : value);

export function layerColumns(index: LayerIndex, where = `layer ${index.layer}`): LayerColumns {
  const n = index.neurons.length;
  for (const field of ['scores', 'explanations', 'maxActivations', 'hasRecords'] as const) {
    if (index[field].length !== n) {
      throw new Error(`${where}: ${field} has ${index[field].length} entries for ${n} neurons`);
    }
  }
  return {
    layer: index.layer,
    neurons: Int32Array.from(index.neurons),
    scores: Float64Array.from(index.scores, orNaN),
    maxActivations: Float64Array.from(index.maxActivations, orNaN),
    hasRecords: Uint8Array.from(index.hasRecords),
    explanations: index.explanations.slice(),
  };
}

/**
 * Texts (some null) as one string and where each ends: one piece to hand to another thread,
 * where copying 307,200 strings one by one cost the receiving thread a third of a second. A null
 * text's end is stored as its bitwise complement (negative).
 */
export interface PackedTexts {
  text: string;
  ends: Int32Array;
}

export function packTexts(texts: readonly (string | null)[]): PackedTexts {
  const ends = new Int32Array(texts.length);
  let end = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text == null) ends[i] = ~end;
    else ends[i] = end += text.length;
  }
  // join() writes null as ''.
  return { text: texts.join(''), ends };
}

export function packedText(packed: PackedTexts, i: number): string | null {
  const end = packed.ends[i]!;
  if (end < 0) return null;
  const before = i === 0 ? 0 : packed.ends[i - 1]!;
  return packed.text.slice(before < 0 ? ~before : before, end);
}

/** A layer's columns as the page gets them from the search worker: the texts packed. */
export type PackedLayerColumns = Omit<LayerColumns, 'explanations'> & {
  explanations: PackedTexts;
};

/** The buffers of a layer's columns, for transferring them to another thread without a copy. */
export function columnBuffers(columns: LayerColumns | PackedLayerColumns): ArrayBuffer[] {
  const arrays = [columns.neurons, columns.scores, columns.maxActivations, columns.hasRecords];
  if (!Array.isArray(columns.explanations)) arrays.push(columns.explanations.ends);
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

export type SortColumn = 'layer' | 'neuron' | 'score' | 'maxActivation' | 'explanation';

/**
 * Rows in ascending order of a column: rows[0..valued) have a value and are sorted by it (ties in
 * row order); rows[valued..) have none (no score, say) and stay in row order, so that both
 * directions can list them last.
 */
export interface ColumnOrder {
  rows: Int32Array;
  valued: number;
}

export interface LayerSize {
  layer: number;
  neurons: number;
}

export class NeuronTable {
  /** Total neurons over all layers: the number of possible rows. */
  readonly size: number;
  readonly layers: readonly LayerSize[];
  /** First row of each layer, by position in `layers`. */
  private readonly firstRow: Int32Array;
  private readonly layerSlot = new Map<number, number>();
  readonly layerOf: Uint16Array;
  readonly neuronOf: Int32Array;
  /** 1 when the row's layer has loaded and its index lists the neuron. */
  readonly listed: Uint8Array;
  readonly score: Float64Array;
  readonly maxActivation: Float64Array;
  readonly hasRecords: Uint8Array;
  /** Explanations of layers added with their texts unpacked (else see explanationOf). */
  readonly explanation: (string | null)[];
  /** Layers added with packed texts: per layer slot, the texts, and per row its place in them. */
  private readonly packed: (PackedTexts | null)[];
  private packedPlace: Int32Array | null = null;
  readonly loadedLayers = new Set<number>();
  /** Counts the layers added; caches keyed on it stay valid until the next. */
  version = 0;
  listedCount = 0;
  /** Computed orders by "column:direction", each with the table version it is for. */
  private orders = new Map<string, { version: number; order: ColumnOrder }>();
  private positionCache = new Map<string, { version: number; places: Int32Array }>();
  /** The rows each addLayer listed, with the version it made: to bring older orders up to date. */
  private added: { version: number; rows: Int32Array }[] = [];
  private listedCache: Int32Array | null = null;
  private listedVersion = -1;

  constructor(layers: readonly LayerSize[]) {
    this.layers = [...layers].sort((a, b) => a.layer - b.layer);
    this.firstRow = new Int32Array(this.layers.length + 1);
    this.layers.forEach((entry, slot) => {
      if (this.layerSlot.has(entry.layer)) throw new Error(`Layer ${entry.layer} is listed twice`);
      this.layerSlot.set(entry.layer, slot);
      this.firstRow[slot + 1] = this.firstRow[slot]! + entry.neurons;
    });
    this.size = this.firstRow[this.layers.length]!;
    if (this.size > 2 ** 27)
      throw new Error(`${this.size} neurons are more than this table can rank`);
    this.layerOf = new Uint16Array(this.size);
    this.neuronOf = new Int32Array(this.size);
    this.layers.forEach((entry, slot) => {
      const first = this.firstRow[slot]!;
      this.layerOf.fill(entry.layer, first, first + entry.neurons);
      for (let n = 0; n < entry.neurons; n++) this.neuronOf[first + n] = n;
    });
    this.listed = new Uint8Array(this.size);
    this.score = new Float64Array(this.size).fill(NaN);
    this.maxActivation = new Float64Array(this.size).fill(NaN);
    this.hasRecords = new Uint8Array(this.size);
    this.explanation = new Array<string | null>(this.size).fill(null);
    this.packed = this.layers.map(() => null);
  }

  /** A row's explanation, whichever way its layer was added. */
  explanationOf(row: number): string | null {
    const text = this.explanation[row];
    if (text != null || !this.packedPlace || !this.listed[row]) return text ?? null;
    const packed = this.packed[this.layerSlot.get(this.layerOf[row]!)!];
    return packed ? packedText(packed, this.packedPlace[row]!) : null;
  }

  /** Whether a listed row has an explanation, without copying its text out of the packed texts. */
  hasExplanation(row: number): boolean {
    if (!this.listed[row]) return false;
    if (this.explanation[row] != null || !this.packedPlace) return this.explanation[row] != null;
    const packed = this.packed[this.layerSlot.get(this.layerOf[row]!)!];
    return packed ? packed.ends[this.packedPlace[row]!]! >= 0 : false;
  }

  /** The row of a neuron, or -1 when the dataset has no such neuron. */
  rowOf(layer: number, neuron: number): number {
    const slot = this.layerSlot.get(layer);
    if (slot === undefined || !Number.isInteger(neuron) || neuron < 0) return -1;
    if (neuron >= this.layers[slot]!.neurons) return -1;
    return this.firstRow[slot]! + neuron;
  }

  /** The rows of a layer: [first, end). */
  layerRows(layer: number): [number, number] {
    const slot = this.layerSlot.get(layer);
    if (slot === undefined) return [0, 0];
    return [this.firstRow[slot]!, this.firstRow[slot + 1]!];
  }

  addLayer(columns: LayerColumns | PackedLayerColumns): void {
    const slot = this.layerSlot.get(columns.layer);
    if (slot === undefined) throw new Error(`The dataset has no layer ${columns.layer}`);
    if (this.loadedLayers.has(columns.layer)) return;
    const first = this.firstRow[slot]!;
    const size = this.layers[slot]!.neurons;
    const newRows: number[] = [];
    const texts = Array.isArray(columns.explanations) ? columns.explanations : null;
    if (!texts) {
      this.packed[slot] = columns.explanations as PackedTexts;
      this.packedPlace ??= new Int32Array(this.size);
    }
    for (let i = 0; i < columns.neurons.length; i++) {
      const neuron = columns.neurons[i]!;
      if (!(neuron >= 0 && neuron < size)) {
        throw new Error(`Layer ${columns.layer} lists neuron ${neuron}; the layer has ${size}`);
      }
      const row = first + neuron;
      if (!this.listed[row]) {
        this.listedCount++;
        newRows.push(row);
      }
      this.listed[row] = 1;
      this.score[row] = columns.scores[i]!;
      this.maxActivation[row] = columns.maxActivations[i]!;
      this.hasRecords[row] = columns.hasRecords[i]!;
      if (texts) this.explanation[row] = texts[i]!;
      else this.packedPlace![row] = i;
    }
    this.loadedLayers.add(columns.layer);
    this.version++;
    this.added.push({ version: this.version, rows: Int32Array.from(newRows) });
  }

  /**
   * The listed rows in order of a column, computed once per column, direction and table version.
   * Rows with equal values stay in row order in both directions. Explanations sort by
   * `explanationKey` (case and leading spaces and quotes ignored).
   */
  order(column: SortColumn, descending = false): ColumnOrder {
    const name = `${column}:${descending ? 'desc' : 'asc'}`;
    const cached = this.orders.get(name);
    if (cached?.version === this.version) return cached.order;
    let order: ColumnOrder;
    if (descending) {
      // One sort per column: the descending order is the ascending one read backwards by runs.
      order = this.reverseRuns(column, this.order(column));
    } else if (cached && column !== 'explanation') {
      // Layers loaded since: sort only their rows and merge them in.
      order = this.mergeOrders(
        column,
        cached.order,
        this.computeOrder(column, this.rowsAddedSince(cached.version)),
      );
    } else {
      order = this.computeOrder(column);
    }
    this.orders.set(name, { version: this.version, order });
    return order;
  }

  /**
   * Each row's place in `order(column, descending)`, or -1 for rows not listed (cached likewise).
   * Rows number at most 2^27 here (134 million; GPT-2 XL has 307,200).
   */
  positions(column: SortColumn, descending = false): Int32Array {
    const name = `${column}:${descending ? 'desc' : 'asc'}`;
    const cached = this.positionCache.get(name);
    if (cached?.version === this.version) return cached.places;
    const { rows } = this.order(column, descending);
    const places = new Int32Array(this.size).fill(-1);
    for (let i = 0; i < rows.length; i++) places[rows[i]!] = i;
    this.positionCache.set(name, { version: this.version, places });
    return places;
  }

  /**
   * Takes an ascending order computed elsewhere (the search worker sorts explanations, which takes
   * hundreds of milliseconds). Rows the table does not list are dropped; a row it lists but the
   * order lacks makes the order unusable, so it is ignored and false returned.
   */
  provideOrder(column: SortColumn, order: ColumnOrder): boolean {
    const rows = new Int32Array(this.listedCount);
    let count = 0;
    let valued = 0;
    for (let i = 0; i < order.rows.length; i++) {
      const row = order.rows[i]!;
      if (row < 0 || row >= this.size || !this.listed[row]) continue;
      if (count === rows.length) return false;
      rows[count++] = row;
      if (i < order.valued) valued++;
    }
    if (count !== this.listedCount) return false;
    this.orders.set(`${column}:asc`, { version: this.version, order: { rows, valued } });
    return true;
  }

  /** Whether `positions(column, descending)` is already computed (and so costs nothing). */
  hasPositions(column: SortColumn, descending = false): boolean {
    const name = `${column}:${descending ? 'desc' : 'asc'}`;
    return this.positionCache.get(name)?.version === this.version;
  }

  /** Whether `order(column)` is already computed (and so costs nothing). */
  hasOrder(column: SortColumn, descending = false): boolean {
    const name = `${column}:${descending ? 'desc' : 'asc'}`;
    return this.orders.get(name)?.version === this.version;
  }

  /**
   * The descending order from the ascending one, in one pass: runs of equal values reversed as
   * blocks, so equal values stay in row order and missing values stay last.
   */
  private reverseRuns(column: SortColumn, ascending: ColumnOrder): ColumnOrder {
    const { rows, valued } = ascending;
    const values = this.columnValues(column);
    const out = new Int32Array(rows.length);
    let at = 0;
    let end = valued;
    while (end > 0) {
      const value = values[rows[end - 1]!];
      let start = end - 1;
      while (start > 0 && values[rows[start - 1]!] === value) start--;
      for (let i = start; i < end; i++) out[at++] = rows[i]!;
      end = start;
    }
    out.set(rows.subarray(valued), at);
    return { rows: out, valued };
  }

  /** What equal values are compared on; explanations by exact text (cheap, and case-variants keep their ascending tie order). */
  private columnValues(column: SortColumn): ArrayLike<number | string | null> {
    switch (column) {
      case 'layer':
        return this.layerOf;
      case 'neuron':
        return this.neuronOf;
      case 'score':
        return this.score;
      case 'maxActivation':
        return this.maxActivation;
      case 'explanation':
        return this.allExplanations();
    }
  }

  private allExplanations(): readonly (string | null)[] {
    if (!this.packedPlace) return this.explanation;
    return Array.from({ length: this.size }, (_, row) => this.explanationOf(row));
  }

  private listedRows(): Int32Array {
    if (this.listedVersion === this.version && this.listedCache) return this.listedCache;
    const rows = new Int32Array(this.listedCount);
    let at = 0;
    for (let row = 0; row < this.size; row++) if (this.listed[row]) rows[at++] = row;
    this.listedCache = rows;
    this.listedVersion = this.version;
    return rows;
  }

  /** The rows listed after `version`, ascending. */
  private rowsAddedSince(version: number): Int32Array {
    const parts = this.added.filter((entry) => entry.version > version);
    const rows = new Int32Array(parts.reduce((sum, part) => sum + part.rows.length, 0));
    let at = 0;
    for (const part of parts) {
      rows.set(part.rows, at);
      at += part.rows.length;
    }
    return rows.sort();
  }

  /** Two ascending orders of disjoint rows as one, as a full sort would have ordered them. */
  private mergeOrders(column: SortColumn, a: ColumnOrder, b: ColumnOrder): ColumnOrder {
    const out = new Int32Array(a.rows.length + b.rows.length);
    let at = 0;
    // Each part's valued rows are ordered by (value, row); rows without a value by row.
    const before = this.comesBefore(column);
    const mergeRuns = (
      x: Int32Array,
      xEnd: number,
      y: Int32Array,
      yEnd: number,
      valued: boolean,
    ) => {
      let i = 0;
      let j = 0;
      while (i < xEnd && j < yEnd) {
        const p = x[i]!;
        const q = y[j]!;
        if (valued ? before(p, q) : p < q) {
          out[at++] = p;
          i++;
        } else {
          out[at++] = q;
          j++;
        }
      }
      while (i < xEnd) out[at++] = x[i++]!;
      while (j < yEnd) out[at++] = y[j++]!;
    };
    mergeRuns(a.rows, a.valued, b.rows, b.valued, true);
    mergeRuns(
      a.rows.subarray(a.valued),
      a.rows.length - a.valued,
      b.rows.subarray(b.valued),
      b.rows.length - b.valued,
      false,
    );
    return { rows: out, valued: a.valued + b.valued };
  }

  /** Whether valued row p sorts before valued row q in a column's ascending order. */
  private comesBefore(column: SortColumn): (p: number, q: number) => boolean {
    switch (column) {
      case 'layer':
        return (p, q) => p < q;
      case 'neuron': {
        const { neuronOf, layerOf } = this;
        return (p, q) =>
          neuronOf[p]! < neuronOf[q]! || (neuronOf[p] === neuronOf[q] && layerOf[p]! < layerOf[q]!);
      }
      case 'score':
      case 'maxActivation': {
        const values = column === 'score' ? this.score : this.maxActivation;
        return (p, q) => values[p]! < values[q]! || (values[p] === values[q] && p < q);
      }
      case 'explanation':
        throw new Error('Explanation orders are not merged');
    }
  }

  private computeOrder(column: SortColumn, rows: Int32Array = this.listedRows()): ColumnOrder {
    switch (column) {
      case 'layer':
        return { rows, valued: rows.length };
      case 'neuron': {
        // Neurons up to 65,535 per layer, which GPT-2 XL (6,400) and its kin are far below.
        const keys = new Uint32Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          keys[i] = this.neuronOf[row]! * 65536 + this.layerOf[row]!;
        }
        return { rows: radixOrder(rows, keys), valued: rows.length };
      }
      case 'score':
        return numberOrder(rows, this.score);
      case 'maxActivation':
        return numberOrder(rows, this.maxActivation);
      case 'explanation': {
        const texts = this.allExplanations();
        const keyed: { row: number; key: string }[] = [];
        const missing: number[] = [];
        for (const row of rows) {
          const text = texts[row];
          if (text == null) missing.push(row);
          else keyed.push({ row, key: explanationKey(text) });
        }
        keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.row - b.row));
        const ordered = new Int32Array(rows.length);
        keyed.forEach((entry, i) => (ordered[i] = entry.row));
        ordered.set(missing, keyed.length);
        return { rows: ordered, valued: keyed.length };
      }
    }
  }
}

/** What explanations sort by: lower case, without leading spaces, quotes and punctuation. */
export function explanationKey(text: string): string {
  return text.replace(/^[\s\u200b\ufeff"'“‘(\-–—.,:;]+/u, '').toLowerCase();
}

function numberOrder(rows: Int32Array, values: Float64Array): ColumnOrder {
  let valuedCount = 0;
  for (let i = 0; i < rows.length; i++) if (values[rows[i]!] === values[rows[i]!]) valuedCount++;
  const valued = new Int32Array(valuedCount);
  const ordered = new Int32Array(rows.length);
  let missing = valuedCount;
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // NaN (no value) is the one value unequal to itself.
    if (values[row] === values[row]) valued[at++] = row;
    else ordered[missing++] = row;
  }
  const keys = new Uint32Array(valuedCount);
  for (let i = 0; i < valuedCount; i++) keys[i] = floatKey(values[valued[i]!]!);
  const sorted = radixSort(valued, keys);
  refineTies(sorted.rows, sorted.keys, values);
  ordered.set(sorted.rows);
  return { rows: ordered, valued: valuedCount };
}
