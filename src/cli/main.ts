/**
 * The command-line interface: `npm run cli -- <command>` or `npx neuron-explorer <command>`.
 * Every file in ./commands/ (tests aside) is a command: it exports `register(program)`, so adding a
 * command is adding one file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError, type CommandModule } from './command.ts';

export async function buildProgram(): Promise<Command> {
  const program = new Command('neuron-explorer')
    .description('Browse, search and re-simulate neuron explanations: ingest and inspect datasets')
    .showHelpAfterError()
    .exitOverride();
  const folder = fileURLToPath(new URL('./commands/', import.meta.url));
  const files = readdirSync(folder)
    .filter((name) => /\.ts$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts'))
    .sort();
  for (const file of files) {
    const module = (await import(pathToFileURL(folder + file).href)) as Partial<CommandModule>;
    if (typeof module.register === 'function') module.register(program);
  }
  return program;
}

/** Runs the CLI on `argv` (user arguments only); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runCli(process.argv.slice(2));
}
