import { describe, expect, it } from 'vitest';
import { parseGpt2Config } from '../model/config.ts';
import { forwardActivations } from '../model/forward.ts';
import { readCheckpoint } from '../model/load.ts';
import { embedTokens } from '../model/runner.ts';
import { tokenizeText } from '../model/tokens.ts';
import { planDemoNeurons } from './generate.ts';
import { DEMO_MODEL_CONFIG, demoModelFiles, demoModelWeights } from './model.ts';

const plans = planDemoNeurons();
const weights = demoModelWeights(plans);

/** A planted neuron's activations on a text, by behaviour (the first neuron with it in `layer`). */
function activations(text: string, behaviour: string, layer = 0) {
  const plan = plans.find((p) => p.behaviour.id === behaviour && p.layer === layer)!;
  const { tokens, tokenIds } = tokenizeText(text, 128);
  const hidden = forwardActivations(weights, embedTokens(weights, tokenIds))[layer]!;
  return tokens.map((token, t) => ({ token, value: hidden[t * 32 + plan.neuron]! }));
}

const strongest = (values: { token: string; value: number }[]) =>
  [...values].sort((a, b) => b.value - a.value)[0]!.token;

describe('the demo model', () => {
  it(
    "is a GPT-2 checkpoint in Hugging Face's layout, the same bytes every time",
    { timeout: 30_000 },
    async () => {
      const files = demoModelFiles(weights);
      const config = parseGpt2Config(files.config);
      expect(config).toEqual(DEMO_MODEL_CONFIG);
      async function* once() {
        yield files.weights;
      }
      const { plan } = await readCheckpoint(
        { file: 'model.safetensors', size: files.weights.length, chunks: once() },
        config,
      );
      expect(plan.prefix).toBe('');
      expect(plan.storage).toBe('F32');
      expect(plan.ignored).toEqual(['ln_f.bias', 'ln_f.weight']);
      const again = demoModelFiles(demoModelWeights(planDemoNeurons())).weights;
      expect(again.length).toBe(files.weights.length);
      expect(again.every((byte, i) => byte === files.weights[i])).toBe(true);
    },
  );

  it('plants token behaviours in its weights: months, weather, closing brackets', () => {
    expect(
      strongest(activations('We met in the second week of October, after the rain.', 'months')),
    ).toBe(' October');
    expect(
      strongest(activations('The afternoon brought thunder and then a fog.', 'weather')),
    ).toMatch(/^ (thunder|fog)$/);
    expect(strongest(activations('x = f(a, b) + g[c]', 'closing-brackets'))).toMatch(/[)\]]/);
  });

  it('attends to the previous token at any position: the word after "the"', () => {
    const filler = 'We walked a long way and talked about many things as we went along. '.repeat(5);
    const values = activations(`${filler}Then the lighthouse came into view.`, 'after-the');
    const at = values.findIndex((v) => v.token === ' lighthouse');
    expect(at).toBeGreaterThan(64);
    expect(strongest(values)).toBe(' lighthouse');
    expect(values[at]!.value).toBeGreaterThan(1);
    // The same word not after "the" does not set it off.
    const other = activations(`${filler}Then a lighthouse came into view.`, 'after-the');
    expect(other.find((v) => v.token === ' lighthouse')!.value).toBeLessThan(0.3);
  });

  it('fires on code keywords in code more than on the same words in prose', () => {
    const code = activations(
      'def total(values):\n    for value in values:\n        return value',
      'code',
    );
    const prose = activations(
      'We waited for an hour in the rain, and then went home for tea.',
      'code',
    );
    const inCode = code.find((v) => v.token === ' for')!.value;
    const inProse = prose.find((v) => v.token === ' for')!.value;
    expect(inCode).toBeGreaterThan(inProse + 1);
  });
});
