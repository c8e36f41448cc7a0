/** `demo-data`: write the synthetic demo dataset (generated offline, deterministic) and ingest it. */
import type { Command } from 'commander';
import { NotADemoFolderError, writeDemoDataset } from '../../node/demo.ts';
import { CliError } from '../command.ts';

interface DemoDataFlags {
  out: string;
}

export function register(program: Command): void {
  program
    .command('demo-data')
    .description(
      'Write the synthetic demo dataset (GPT-2 tokens, planted neurons, baseline explanations) and ingest it',
    )
    .requiredOption(
      '--out <folder>',
      'dataset folder to write, e.g. <DATA_DIR>/demo (its name is the dataset id)',
    )
    .action(async (flags: DemoDataFlags) => {
      try {
        const result = await writeDemoDataset(flags.out);
        const megabytes = (result.bytes / 1e6).toFixed(1);
        process.stdout.write(
          `${result.path}: ${result.files} files (${megabytes} MB) generated in ${Math.round(result.generateMs)} ms, written and ingested in ${Math.round(result.writeMs)} ms\n${result.ingest.summary}\n`,
        );
      } catch (error) {
        if (error instanceof NotADemoFolderError) throw new CliError(error.message);
        throw error;
      }
    });
}
