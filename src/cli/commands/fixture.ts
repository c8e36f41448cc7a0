/** `fixture`: generate datasets for tests and benchmarks (never committed: fixtures-out/). */
import { join } from 'node:path';
import type { Command } from 'commander';
import { sharedGpt2XlDir } from '../../node/shared-data.ts';
import { writeScaleFixture } from '../../node/scale-fixture.ts';
import { parseCount, parsePositive } from '../command.ts';

interface ScaleFlags {
  out: string;
  layers: number;
  neurons: number;
  seed: number;
  explanations?: string;
  relatedTokens: number;
}

export function register(program: Command): void {
  const fixture = program.command('fixture').description('Generate fixtures for benchmarks');
  fixture
    .command('scale')
    .description('Write a full-size dataset of explanation files (48 x 6,400 by default)')
    .requiredOption('--out <folder>', 'folder to write, e.g. fixtures-out/scale')
    .option('--layers <n>', 'layers', parsePositive, 48)
    .option('--neurons <n>', 'neurons per layer', parsePositive, 6400)
    .option('--seed <n>', 'random seed', parseCount, 1)
    .option(
      '--explanations <csv>',
      'CSV of layer,neuron,explanation,score to draw text from (default: the shared paper-explanations.csv)',
    )
    .option(
      '--related-tokens <n>',
      'also write n activation-based related tokens per neuron (for the token index)',
      parseCount,
      0,
    )
    .action((flags: ScaleFlags) => {
      const shared = sharedGpt2XlDir();
      const csv =
        flags.explanations ?? (shared ? join(shared, 'paper-explanations.csv') : undefined);
      const started = Date.now();
      const info = writeScaleFixture({
        out: flags.out,
        layers: flags.layers,
        neurons: flags.neurons,
        seed: flags.seed,
        relatedTokens: flags.relatedTokens,
        ...(csv !== undefined ? { explanationsCsv: csv } : {}),
        onProgress: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rlayer ${done}/${total}`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(
        `Wrote ${info.files.toLocaleString('en-US')} ${info.relatedTokens ? 'explanation and related-tokens' : 'explanation'} files (${info.layers} x ${info.neurons}, seed ${info.seed}, text ${info.textSource}) to ${flags.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    });
}
