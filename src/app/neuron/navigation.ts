/** Neighbouring neurons, as the page's buttons and arrow keys reach them. Pure. */
import type { NeuronAddress } from '../../core/address/address.ts';
import type { LayerShape } from './model.ts';

export interface Neighbours {
  previousNeuron: NeuronAddress | null;
  nextNeuron: NeuronAddress | null;
  previousLayer: NeuronAddress | null;
  nextLayer: NeuronAddress | null;
}

/**
 * Previous/next neuron run on into the neighbouring layer at either end; previous/next layer keep
 * the neuron index (clamped to the other layer's size).
 */
export function neighbours(layers: readonly LayerShape[], here: NeuronAddress): Neighbours {
  const at = layers.findIndex((candidate) => candidate.layer === here.layer);
  const current = layers[at];
  if (!current) {
    return { previousNeuron: null, nextNeuron: null, previousLayer: null, nextLayer: null };
  }
  const before = layers[at - 1];
  const after = layers[at + 1];
  const sameIndex = (shape: LayerShape | undefined) =>
    shape ? { layer: shape.layer, neuron: Math.min(here.neuron, shape.neurons - 1) } : null;
  return {
    previousNeuron:
      here.neuron > 0
        ? { layer: here.layer, neuron: here.neuron - 1 }
        : before
          ? { layer: before.layer, neuron: before.neurons - 1 }
          : null,
    nextNeuron:
      here.neuron < current.neurons - 1
        ? { layer: here.layer, neuron: here.neuron + 1 }
        : after
          ? { layer: after.layer, neuron: 0 }
          : null,
    previousLayer: sameIndex(before),
    nextLayer: sameIndex(after),
  };
}

/** Whether a key press belongs to a control (typing, choosing) rather than to page navigation. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return (
    target.closest(
      'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="radio"], [role="slider"], [role="listbox"], [role="combobox"], [role="tab"], [role="menu"]',
    ) !== null
  );
}
