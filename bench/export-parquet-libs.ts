/**
 * How the export's Parquet writer was chosen: each candidate library writes the same 307,200 rows
 * (layer, neuron, explanation, two nullable doubles: the export's shape) in a process of its own;
 * wall time, file size and peak RSS are printed. Candidates not installed are skipped; install
 * them for a comparison with
 *
 *   npm i --no-save parquet-wasm@0.8.0 apache-arrow@21 @dsnp/parquetjs@1.9.3
 *   npm run bench:export-parquet-libs
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedGpt2XlDir } from '../src/node/shared-data.ts';

const LIBRARIES = ['hyparquet-writer', 'parquet-wasm', '@dsnp/parquetjs'];
const ROWS = 307_200;
const PER_LAYER = 6400;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const load = (name: string): Promise<Any> => import(name);

function columns() {
  const shared = sharedGpt2XlDir();
  const texts = shared
    ? readFileSync(join(shared, 'paper-explanations.csv'), 'utf8').split('\n').slice(1, 5001)
    : Array.from({ length: 5000 }, (_, i) => ` words about topic number ${i}`);
  const layer = new Int32Array(ROWS);
  const neuron = new Int32Array(ROWS);
  const text: string[] = [];
  const score: (number | null)[] = [];
  const mean: (number | null)[] = [];
  for (let i = 0; i < ROWS; i += 1) {
    layer[i] = Math.floor(i / PER_LAYER);
    neuron[i] = i % PER_LAYER;
    text.push(texts[(i * 7919) % texts.length] as string);
    score.push(i % 1000 === 0 ? null : ((i * 2654435761) % 1000) / 1000);
    mean.push(i % 3 ? null : ((i * 40503) % 997) / 997);
  }
  return { layer, neuron, text, score, mean };
}

async function writeWith(library: string, out: string): Promise<void> {
  const { layer, neuron, text, score, mean } = columns();
  if (library === 'hyparquet-writer') {
    const { ParquetWriter, fileWriter, schemaFromColumnData } = await load('hyparquet-writer');
    const writer = fileWriter(out);
    let parquet: Any;
    for (let start = 0; start < ROWS; start += PER_LAYER) {
      const end = start + PER_LAYER;
      const columnData = [
        { name: 'layer', data: layer.slice(start, end), type: 'INT32', nullable: false },
        { name: 'neuron', data: neuron.slice(start, end), type: 'INT32', nullable: false },
        { name: 'explanation', data: text.slice(start, end), type: 'STRING' },
        { name: 'score', data: score.slice(start, end), type: 'DOUBLE' },
        { name: 'mean', data: mean.slice(start, end), type: 'DOUBLE' },
      ];
      parquet ??= new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData }) });
      parquet.write({ columnData, rowGroupSize: PER_LAYER });
    }
    await parquet.finish();
  } else if (library === 'parquet-wasm') {
    const arrow = await load('apache-arrow');
    const wasm = await load('parquet-wasm');
    const nullable = (values: (number | null)[]) =>
      arrow.vectorFromArray(values, new arrow.Float64());
    const table = new arrow.Table({
      layer: arrow.vectorFromArray(layer),
      neuron: arrow.vectorFromArray(neuron),
      explanation: arrow.vectorFromArray(text, new arrow.Utf8()),
      score: nullable(score),
      mean: nullable(mean),
    });
    const properties = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression.SNAPPY)
      .build();
    const bytes = wasm.writeParquet(
      wasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')),
      properties,
    );
    writeFileSync(out, bytes);
  } else if (library === '@dsnp/parquetjs') {
    const { ParquetSchema, ParquetWriter } = await load('@dsnp/parquetjs');
    const schema = new ParquetSchema({
      layer: { type: 'INT32' },
      neuron: { type: 'INT32' },
      explanation: { type: 'UTF8' },
      score: { type: 'DOUBLE', optional: true },
      mean: { type: 'DOUBLE', optional: true },
    });
    const writer = await ParquetWriter.openFile(schema, out);
    for (let i = 0; i < ROWS; i += 1) {
      const row: Record<string, unknown> = {
        layer: layer[i],
        neuron: neuron[i],
        explanation: text[i],
      };
      if (score[i] !== null) row.score = score[i];
      if (mean[i] !== null) row.mean = mean[i];
      await writer.appendRow(row);
    }
    await writer.close();
  }
}

const [child, out] = process.argv.slice(2);
if (child && out) {
  const started = performance.now();
  await writeWith(child, out);
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({
      ms: Math.round(ms),
      bytes: statSync(out).size,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  const self = fileURLToPath(import.meta.url);
  const tsx = fileURLToPath(import.meta.resolve('tsx/cli'));
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const library of LIBRARIES) {
    try {
      await load(library);
    } catch (error) {
      console.log(`${library}: skipped (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const file = join(tmpdir(), `parquet-libs-${process.pid}.parquet`);
    try {
      const text = execFileSync(process.execPath, [tsx, self, library, file], {
        encoding: 'utf8',
      });
      const result = JSON.parse(text.trim().split('\n').pop() ?? '{}') as Record<string, number>;
      console.log(
        `${library}: ${result.ms} ms, ${((result.bytes ?? 0) / 2 ** 20).toFixed(1)} MB, peak RSS ${result.peakRssMB} MB`,
      );
    } catch (error) {
      console.log(`${library}: failed (${(error as Error).message.split('\n')[0]})`);
    } finally {
      rmSync(file, { force: true });
    }
  }
}
