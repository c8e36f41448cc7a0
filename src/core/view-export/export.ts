/**
 * The browse page's "export this view": the rows a view lists, in its order, as CSV (RFC 4180:
 * fields with a comma, quote or line break quoted, quotes doubled; CRLF between records; a header
 * row) or JSON (an array of objects keyed by column name). Null is an empty CSV field and JSON
 * null; booleans are 1/0 in CSV as in `cli export`'s CSV (docs/export.md).
 *
 * Written in chunks, so the page can yield between them and stay responsive over 307,200 rows,
 * and hand the pieces to a Blob without joining them into one string. Hand-written rather than
 * csv-stringify (which `cli export` uses): csv-stringify took 4.5 s for 307,200 rows here, over
 * the 2 s the issue allows; this takes a fraction of it (bench/view-export.ts).
 */

export type Cell = string | number | boolean | null;

export interface ViewColumn {
  name: string;
  /** The column's value in row `row` (a row number of the view's table). */
  value: (row: number) => Cell;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field. Numbers are written as JavaScript prints them (round-trip exact). */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows per chunk: a few tens of milliseconds of work each. */
const CHUNK_ROWS = 8192;

export function* csvChunks(
  columns: readonly ViewColumn[],
  rows: ArrayLike<number>,
  chunkRows = CHUNK_ROWS,
): Generator<string> {
  yield `${columns.map((column) => csvField(column.name)).join(',')}\r\n`;
  const getters = columns.map((column) => column.value);
  const width = getters.length;
  for (let start = 0; start < rows.length; start += chunkRows) {
    const end = Math.min(rows.length, start + chunkRows);
    // Arrays joined once per chunk: half the time of growing a string field by field.
    const lines: string[] = new Array(end - start);
    const fields: string[] = new Array(width);
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      for (let c = 0; c < width; c++) fields[c] = csvField(getters[c]!(row));
      lines[i - start] = fields.join(',');
    }
    yield `${lines.join('\r\n')}\r\n`;
  }
}

/** JSON numbers cannot be NaN or infinite: those are null. */
const jsonCell = (value: Cell) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

export function* jsonChunks(
  columns: readonly ViewColumn[],
  rows: ArrayLike<number>,
  chunkRows = CHUNK_ROWS,
): Generator<string> {
  const names = columns.map((column) => column.name);
  const getters = columns.map((column) => column.value);
  yield '[';
  for (let start = 0; start < rows.length; start += chunkRows) {
    const end = Math.min(rows.length, start + chunkRows);
    // One native JSON.stringify per chunk: several times faster than one per value.
    const objects: Record<string, Cell>[] = new Array(end - start);
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      const object: Record<string, Cell> = {};
      for (let c = 0; c < getters.length; c++) object[names[c]!] = jsonCell(getters[c]!(row));
      objects[i - start] = object;
    }
    const text = JSON.stringify(objects);
    // The chunk's objects without its brackets, after the previous chunk's.
    yield `${start === 0 ? '' : ','}${text.slice(1, -1)}`;
  }
  yield ']\n';
}

export type ExportFormat = 'csv' | 'json';

export function exportChunks(
  format: ExportFormat,
  columns: readonly ViewColumn[],
  rows: ArrayLike<number>,
  chunkRows = CHUNK_ROWS,
): Generator<string> {
  return format === 'csv'
    ? csvChunks(columns, rows, chunkRows)
    : jsonChunks(columns, rows, chunkRows);
}

export const EXPORT_MIME: Record<ExportFormat, string> = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
};

/** What the table of a browse view offers per row (the browse engine's NeuronTable). */
interface BrowseRows {
  layerOf: ArrayLike<number>;
  neuronOf: ArrayLike<number>;
  score: ArrayLike<number>;
  maxActivation: ArrayLike<number>;
  hasRecords: ArrayLike<number>;
  explanationOf(row: number): string | null;
}

const orNull = (value: number) => (value === value ? value : null);

/**
 * The browse view's columns, named as in `cli export` (docs/export.md): the best explanation
 * and its score, the largest activation, whether the neuron has records.
 */
export function browseColumns(table: BrowseRows): ViewColumn[] {
  return [
    { name: 'layer', value: (row) => table.layerOf[row]! },
    { name: 'neuron', value: (row) => table.neuronOf[row]! },
    { name: 'explanation', value: (row) => table.explanationOf(row) },
    { name: 'ev_correlation_score', value: (row) => orNull(table.score[row]!) },
    { name: 'max_activation', value: (row) => orNull(table.maxActivation[row]!) },
    { name: 'has_records', value: (row) => table.hasRecords[row] === 1 },
  ];
}
