/**
 * The Parquet export: the flat table (one row per explanation, see core/export/rows.ts), one row
 * group per layer, written as it goes by hyparquet-writer's incremental writer (memory holds one
 * layer). The summary, problems included, is in the file's key/value metadata under
 * "neuron-explorer.export".
 */
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import {
  EXPORT_COLUMNS,
  flatRows,
  type ExportColumn,
  type ExportNeuron,
  type ExportValue,
} from '../../core/export/rows.ts';
import type { ExportSummary, ExportWriter } from './writer.ts';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

export const PARQUET_METADATA_KEY = 'neuron-explorer.export';

function schemaElement(column: ExportColumn): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (column.type) {
    case 'integer':
      return { name: column.name, type: 'INT32', repetition_type };
    case 'real':
      return { name: column.name, type: 'DOUBLE', repetition_type };
    case 'boolean':
      return { name: column.name, type: 'BOOLEAN', repetition_type };
    case 'text':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
  }
}

export function parquetSchema(): SchemaElement[] {
  return [
    { name: 'root', num_children: EXPORT_COLUMNS.length },
    ...EXPORT_COLUMNS.map(schemaElement),
  ];
}

export function openParquetWriter(path: string): ExportWriter {
  const writer = fileWriter(path);
  const parquet = new ParquetWriter({
    writer,
    schema: parquetSchema(),
    createdBy: 'neuron-explorer export',
  });
  return {
    writeLayer(neurons: readonly ExportNeuron[]) {
      const columns: ExportValue[][] = EXPORT_COLUMNS.map(() => []);
      for (const neuron of neurons) {
        for (const row of flatRows(neuron)) {
          for (let c = 0; c < row.length; c += 1) columns[c]!.push(row[c] as ExportValue);
        }
      }
      const rows = columns[0]?.length ?? 0;
      if (rows === 0) return;
      return parquet.write({
        columnData: EXPORT_COLUMNS.map((column, c) => ({ name: column.name, data: columns[c]! })),
        rowGroupSize: rows,
      });
    },
    async finish(summary: ExportSummary) {
      parquet.kvMetadata = [{ key: PARQUET_METADATA_KEY, value: JSON.stringify(summary) }];
      await parquet.finish();
    },
    async abort() {
      try {
        await writer.finish();
      } catch {
        // Closing a file that will be removed: nothing to keep.
      }
    },
  };
}
