import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import {
  browsePath,
  neuronPath,
  parseNeuronAddress,
  type NeuronAddress,
} from '../../core/address/address.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import styles from './JumpBox.module.css';

/**
 * The header's search box. Given a neuron (`5:131`, `5/131`, or a pasted link) it opens that
 * neuron's page in the current dataset; given words, it opens the browse page searching for them.
 * `onText` lets a caller take over text that names no neuron: return true when it handled it.
 */
export function JumpBox({
  onText,
  placeholder = 'Search or 5:131',
  label = 'Search explanations, or go to neuron (layer:neuron)',
}: {
  /** Called with text that names no neuron; return true if handled. By default words are searched. */
  onText?: (text: string) => boolean;
  placeholder?: string;
  /** Accessible name of the input. */
  label?: string;
}) {
  const id = useId();
  const navigate = useNavigate();
  const { urlDataset } = useDatasetRoute();
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(false);

  const go = (address: NeuronAddress) => {
    void navigate(neuronPath(urlDataset, address));
    setText('');
  };

  const search = (words: string) => {
    if (words.trim() === '') return false;
    void navigate(
      `${browsePath(urlDataset)}?${new URLSearchParams({ q: words.trim() }).toString()}`,
    );
    setText('');
    return true;
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = parseNeuronAddress(text);
    if (address) go(address);
    else setInvalid(!(onText ?? search)(text));
  };

  return (
    <form
      role="search"
      className={styles.form}
      onSubmit={onSubmit}
      aria-label="Search or go to a neuron"
    >
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className={styles.input}
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setInvalid(false);
        }}
      />
      <button type="submit">Go</button>
      <span id={`${id}-error`} className={styles.error} role="status">
        {invalid ? 'Type words to search for, or a layer and a neuron, e.g. 5:131' : ''}
      </span>
    </form>
  );
}
