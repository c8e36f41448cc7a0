/** What a benchmark's child process reports: its work's own figures, timed, as one JSON line. */

/**
 * Runs `work` and prints one JSON line on stdout: `figures` of its result, with the wall-clock and
 * CPU seconds it took and the process's peak resident memory, for the parent to read.
 */
export async function printFiguresOf<T>(
  work: () => Promise<T>,
  figures: (result: T) => Record<string, unknown>,
): Promise<void> {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const { text, ...rest } = figures(result);
  process.stdout.write(
    `${JSON.stringify({
      text,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      ...rest,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}
