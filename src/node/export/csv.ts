/**
 * The CSV export: the flat table (one row per explanation, see core/export/rows.ts) with a header
 * row, RFC 4180 quoting (csv-stringify), UTF-8. Null is an empty field; booleans are 1 and 0;
 * numbers are written in JavaScript's shortest form that reads back to the same double.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { EXPORT_COLUMNS, flatRows, type ExportNeuron } from '../../core/export/rows.ts';
import type { ExportWriter } from './writer.ts';

const OPTIONS = {
  cast: { boolean: (value: boolean) => (value ? '1' : '0') },
  record_delimiter: 'unix' as const,
};

export function openCsvWriter(path: string): ExportWriter {
  const fd = openSync(path, 'w');
  writeSync(fd, stringify([EXPORT_COLUMNS.map((c) => c.name)], OPTIONS));
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  return {
    writeLayer(neurons: readonly ExportNeuron[]) {
      const rows = neurons.flatMap(flatRows);
      if (rows.length > 0) writeSync(fd, stringify(rows, OPTIONS));
    },
    async finish() {
      close();
    },
    async abort() {
      close();
    },
  };
}
