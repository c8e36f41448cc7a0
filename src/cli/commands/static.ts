/** `static`: the built app and the datasets in one folder for any static host (CDN, object store). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appBuildState, buildApp, repoRoot } from '../../node/app-build.ts';
import { writeStaticSite } from '../../node/static-site.ts';
import { CliError } from '../command.ts';

interface StaticFlags {
  data: string;
  out: string;
  app: string;
  dataset?: string[];
  models?: string;
}

/** --models, else MODELS_DIR, else ./models when there is one (npm start writes the demo's there). */
function modelsOption(flag: string | undefined): { modelsDir?: string } {
  const dir = flag ?? process.env.MODELS_DIR ?? (existsSync('models') ? 'models' : undefined);
  if (flag !== undefined && !existsSync(flag))
    throw new CliError(`--models ${flag} does not exist`);
  return dir === undefined ? {} : { modelsDir: dir };
}

export function register(program: Command): void {
  program
    .command('static')
    .description(
      'Write the built app with the datasets beside it, for any static host (no server: no simulations)',
    )
    .option('--data <folder>', 'DATA_DIR: one folder per dataset', process.env.DATA_DIR ?? 'data')
    .requiredOption('--out <folder>', 'a new or empty folder to write the site to')
    .option(
      '--app <folder>',
      'the built app (dist/ is built first when missing or older than its sources)',
      'dist',
    )
    .option('--dataset <id...>', 'only these datasets (default all)')
    .option(
      '--models <folder>',
      'MODELS_DIR: GPT-2 checkpoints to publish under models/ for the Your text page (default: $MODELS_DIR, else ./models when it exists)',
    )
    .action(async (flags: StaticFlags) => {
      // Only the checkout's own dist/ is (re)built; another folder is taken as it is.
      const state = appBuildState(flags.app);
      if (state !== 'fresh' && resolve(flags.app) === join(repoRoot, 'dist')) {
        process.stderr.write(`Building the app into ${flags.app} (${state})...\n`);
        await buildApp(flags.app);
      }
      let report;
      try {
        report = await writeStaticSite({
          appDir: flags.app,
          dataDir: flags.data,
          outDir: flags.out,
          ...(flags.dataset ? { datasets: flags.dataset } : {}),
          ...modelsOption(flags.models),
        });
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      for (const problem of report.problems) process.stderr.write(`Skipped: ${problem}\n`);
      const lines = [`Wrote ${report.outDir}: the app (${report.appFiles} files) and`];
      for (const dataset of report.datasets) {
        lines.push(
          dataset.remoteSource
            ? `  ${dataset.id}: indexes only; its per-neuron files stay at ${dataset.remoteSource} (mirror them to datasets/${dataset.id}/ or route that path there)`
            : `  ${dataset.id}: indexes and ${dataset.neuronFiles.toLocaleString('en-US')} per-neuron files`,
        );
      }
      if (report.models.length > 0) lines.push(`  models: ${report.models.join(', ')}`);
      lines.push(
        `Serve it with any static file server, e.g. python3 -m http.server -d ${report.outDir}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
