import { useId, type KeyboardEvent } from 'react';
import type { NeuronAddress } from '../../core/address/address.ts';
import styles from './BrowsePage.module.css';

/**
 * The search box of the browse page. Results follow as the user types; Enter on `L:N` (or a
 * release link) opens that neuron.
 */
export function SearchField({
  text,
  neuronRef,
  onText,
  onOpenNeuron,
}: {
  text: string;
  /** The neuron the text names, when it names one the dataset has. */
  neuronRef: NeuronAddress | null;
  onText: (text: string) => void;
  onOpenNeuron: (layer: number, neuron: number) => void;
}) {
  const id = useId();
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && neuronRef) {
      event.preventDefault();
      onOpenNeuron(neuronRef.layer, neuronRef.neuron);
    } else if (event.key === 'Escape' && text !== '') {
      event.preventDefault();
      onText('');
    }
  };
  return (
    <div className={styles.search} role="search">
      <label htmlFor={id} className={styles.searchLabel}>
        Search explanations
      </label>
      <input
        id={id}
        type="search"
        className={styles.searchInput}
        value={text}
        placeholder='Words, prefixes or "exact phrases"; 5:131 opens a neuron'
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${id}-help`}
        onChange={(event) => onText(event.target.value)}
        onKeyDown={onKeyDown}
        data-testid="browse-search"
      />
      <p id={`${id}-help`} className={styles.searchHelp}>
        {neuronRef ? (
          <button type="button" onClick={() => onOpenNeuron(neuronRef.layer, neuronRef.neuron)}>
            Open neuron {neuronRef.layer}:{neuronRef.neuron} (Enter)
          </button>
        ) : (
          <>
            Every word must match the start of a word; quote a phrase to match it exactly. Case is
            ignored.
          </>
        )}
      </p>
    </div>
  );
}
