/**
 * How long the demo dataset takes to generate (npm start does it on a first start), and how fast
 * the baseline simulator scores an explanation (what /api/simulate does without an API key).
 * Prints medians; run it on an idle machine (`uptime`), since other processes inflate wall time.
 *
 *   npm run bench:demo [-- <runs>]
 */
import { availableParallelism, loadavg } from 'node:os';
import { generateDemoDataset } from '../src/core/demo/generate.ts';
import { parseNeuronRecord } from '../src/core/format/parse.ts';
import { baselineSimulator } from '../src/core/simulation/baseline.ts';
import { simulateAndScore } from '../src/core/simulation/simulate.ts';

const runs = Number(process.argv[2] ?? 5);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

console.log(
  `load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores; ${runs} runs`,
);

const wall: number[] = [];
const cpu: number[] = [];
let files: Awaited<ReturnType<typeof generateDemoDataset>>['files'] = [];
for (let run = 0; run < runs; run++) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  ({ files } = await generateDemoDataset());
  wall.push(performance.now() - start);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1000);
}
const bytes = files.reduce((sum, file) => sum + file.text.length, 0);
console.log(
  `demo dataset: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB; median ${median(wall).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU`,
);

const records = files
  .filter((file) => file.path.startsWith('collated-activations/'))
  .map((file) => parseNeuronRecord(file.text, { path: file.path }));
const explanations = [' names of months, like "March" and "October"', ' words about the weather'];
const perNeuron: number[] = [];
for (let run = 0; run < runs; run++) {
  const start = performance.now();
  for (const record of records) {
    for (const explanation of explanations) {
      await simulateAndScore(baselineSimulator, explanation, record);
    }
  }
  perNeuron.push((performance.now() - start) / (records.length * explanations.length));
}
console.log(
  `baseline simulateAndScore (20 records of 64 tokens): median ${median(perNeuron).toFixed(2)} ms per explanation`,
);
