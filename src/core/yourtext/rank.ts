/**
 * What the "Your text" page works out from a run's activations (every neuron of every layer at
 * every token, as the model worker returns them: one Float32Array [tokens x neurons] per layer):
 * each neuron's strongest activation over the text and where, a token's neurons over all layers,
 * one neuron's values along the text, and the first K of any of these among the neurons a filter
 * lets through. Neurons are numbered by ordinal: layer x neuronsPerLayer + neuron.
 */

export interface ActivationGrid {
  tokens: number;
  /** MLP neurons per layer. */
  neurons: number;
  /** Per layer, [tokens x neurons], row-major by token. */
  layers: readonly Float32Array[];
}

export interface NeuronOrdinal {
  layer: number;
  neuron: number;
}

export function ordinalOf(grid: ActivationGrid, layer: number, neuron: number): number {
  return layer * grid.neurons + neuron;
}

export function neuronOfOrdinal(grid: ActivationGrid, ordinal: number): NeuronOrdinal {
  return { layer: Math.floor(ordinal / grid.neurons), neuron: ordinal % grid.neurons };
}

/** Each neuron's largest activation over the text, and the first token where it is reached. */
export function maxOverText(grid: ActivationGrid): { max: Float32Array; at: Uint16Array } {
  const { tokens, neurons, layers } = grid;
  const max = new Float32Array(layers.length * neurons).fill(-Infinity);
  const at = new Uint16Array(layers.length * neurons);
  layers.forEach((values, layer) => {
    const base = layer * neurons;
    for (let t = 0; t < tokens; t++) {
      const row = t * neurons;
      for (let n = 0; n < neurons; n++) {
        const value = values[row + n]!;
        if (value > max[base + n]!) {
          max[base + n] = value;
          at[base + n] = t;
        }
      }
    }
  });
  return { max, at };
}

/** Every neuron's activation at one token, by ordinal. */
export function tokenActivations(grid: ActivationGrid, token: number): Float32Array {
  const out = new Float32Array(grid.layers.length * grid.neurons);
  grid.layers.forEach((values, layer) => {
    out.set(
      values.subarray(token * grid.neurons, (token + 1) * grid.neurons),
      layer * grid.neurons,
    );
  });
  return out;
}

/** One neuron's activation at each token. */
export function neuronAlongText(grid: ActivationGrid, layer: number, neuron: number): number[] {
  const values = grid.layers[layer];
  if (!values || neuron < 0 || neuron >= grid.neurons) return [];
  return Array.from({ length: grid.tokens }, (_, t) => values[t * grid.neurons + neuron]!);
}

/**
 * The ordinals of the `limit` largest values among those `pass` lets through (all when null),
 * largest first; ties by ordinal. NaN values are never chosen. Only the values that can make the
 * list are sorted with a comparator (the cut-off comes from a native numeric sort).
 */
export function topOrdinals(
  values: Float32Array | Float64Array,
  pass: Uint8Array | null,
  limit: number,
  descending = true,
): Int32Array {
  const sign = descending ? 1 : -1;
  let chosen: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if ((pass === null || pass[i]) && !Number.isNaN(values[i]!)) chosen.push(i);
  }
  if (limit <= 0) return new Int32Array(0);
  if (chosen.length > 4 * limit) {
    const keys = Float64Array.from(chosen, (i) => sign * values[i]!).sort();
    const cutoff = keys[keys.length - limit]!;
    chosen = chosen.filter((i) => sign * values[i]! >= cutoff);
  }
  chosen.sort((a, b) => sign * (values[b]! - values[a]!) || a - b);
  return Int32Array.from(chosen.slice(0, limit));
}
