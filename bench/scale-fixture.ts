/** The 48 x 6,400 = 307,200-file scale fixture that benchmarks share, written once and reused. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readScaleFixtureInfo, writeScaleFixture } from '../src/node/scale-fixture.ts';
import { sharedGpt2XlDir } from '../src/node/shared-data.ts';

export const REPOSITORY = resolve(fileURLToPath(new URL('..', import.meta.url)));
const LAYERS = 48;
const NEURONS = 6400;
const SEED = 1;

/**
 * The fixture's folder, generated first when absent or of another shape: fixtures-out/scale, or
 * with `relatedTokens` activation-based related tokens per neuron, fixtures-out/scale-tokens.
 */
export function ensureScaleFixture(options: { relatedTokens?: number } = {}): string {
  const { relatedTokens } = options;
  const withTokens = relatedTokens !== undefined;
  const fixture = join(REPOSITORY, 'fixtures-out', withTokens ? 'scale-tokens' : 'scale');
  const what = withTokens ? 'the scale fixture with related tokens' : 'the scale fixture';
  const info = readScaleFixtureInfo(fixture);
  if (
    info &&
    info.layers === LAYERS &&
    info.neurons === NEURONS &&
    info.seed === SEED &&
    (!withTokens || info.relatedTokens === relatedTokens)
  ) {
    console.log(`Reusing ${what} in ${fixture}`);
    return fixture;
  }
  const shared = sharedGpt2XlDir();
  console.log(`Generating ${what} in ${fixture} (once)...`);
  const started = Date.now();
  writeScaleFixture({
    out: fixture,
    layers: LAYERS,
    neurons: NEURONS,
    seed: SEED,
    ...(withTokens ? { relatedTokens } : {}),
    ...(shared ? { explanationsCsv: join(shared, 'paper-explanations.csv') } : {}),
  });
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return fixture;
}
