import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { neuronPath, parseNeuronAddress, type NeuronAddress } from '../paths.ts';
import { useDatasetRoute } from '../shell/dataset.ts';
import styles from './JumpBox.module.css';

/**
 * The header's search box. Given a neuron (`5:131`, `5/131`, or a pasted link) it opens that
 * neuron's page in the current dataset. `onText` lets a keyword search take over other input:
 * return true when it handled the text.
 */
export function JumpBox({
  onText,
  placeholder = 'Neuron, e.g. 5:131',
  label = 'Go to neuron (layer:neuron)',
}: {
  /** Called with text that names no neuron; return true if handled, else the box says it is invalid. */
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
    navigate(neuronPath(urlDataset, address));
    setText('');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const address = parseNeuronAddress(text);
    if (address) go(address);
    else setInvalid(!(onText?.(text) ?? false));
  };

  return (
    <form role="search" className={styles.form} onSubmit={onSubmit} aria-label="Go to a neuron">
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
        {invalid ? 'Type a layer and a neuron, e.g. 5:131' : ''}
      </span>
    </form>
  );
}
