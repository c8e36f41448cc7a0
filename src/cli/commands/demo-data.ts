/** `demo-data`: write the synthetic demo dataset (generated offline, deterministic) and ingest it. */
import type { Command } from 'commander';
import { NotADemoFolderError, writeDemoDataset } from '../../node/demo.ts';
import { CliError } from '../command.ts';

interface DemoDataFlags {
  out: string;
  modelOut: string;
}

export function register(program: Command): void {
  program
    .command('demo-data')
    .description(
      'Write the synthetic demo dataset (GPT-2 tokens, planted neurons, baseline explanations), ingest it, and write the small GPT-2-format model its records come from',
    )
    .requiredOption(
      '--out <folder>',
      'dataset folder to write, e.g. <DATA_DIR>/demo (its name is the dataset id)',
    )
    .option(
      '--model-out <folder>',
      'folder for the demo model (config.json + model.safetensors), e.g. <MODELS_DIR>/demo',
      './models/demo',
    )
    .action(async (flags: DemoDataFlags) => {
      try {
        const result = await writeDemoDataset(flags.out, { modelOut: flags.modelOut });
        const megabytes = (result.bytes / 1e6).toFixed(1);
        process.stdout.write(
          `${result.path}: ${result.files} files (${megabytes} MB) generated in ${Math.round(result.generateMs)} ms, written and ingested in ${Math.round(result.writeMs)} ms\n${result.ingest.summary}\nThe demo model (its records are this model's activations): ${result.modelPath}\n`,
        );
      } catch (error) {
        if (error instanceof NotADemoFolderError) throw new CliError(error.message);
        throw error;
      }
    });
}
