import { useId, useState } from 'react';
import { Link } from 'react-router';
import { listPath } from '../../core/address/address.ts';
import { MAX_LIST_NEURONS, type NeuronRef } from '../../core/lists/list.ts';
import { useDatasets } from '../data/queries.ts';
import { useLists } from './store.ts';
import styles from './Lists.module.css';

const numbers = new Intl.NumberFormat();

/**
 * The dataset a list made on this page belongs to: the one the page's path names, else the
 * default (recorded by its id, so the list keeps it if the default changes).
 */
function useOwnDataset(urlDataset: string | null): string | null {
  const datasets = useDatasets();
  return urlDataset ?? datasets.data?.default ?? null;
}

/**
 * "Save as list": the neurons a view lists (from browse, a search or a comparison) as a new named
 * list with notes. `neurons` is asked for only when saving (the view may list 307,200).
 */
export function SaveList({
  count,
  neurons,
  dataset,
  suggestedName,
}: {
  count: number;
  neurons: () => NeuronRef[];
  /** The dataset the page's path names (null: the default). */
  dataset: string | null;
  suggestedName: string;
}) {
  const own = useOwnDataset(dataset);
  const create = useLists((state) => state.create);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const tooMany = count > MAX_LIST_NEURONS;
  if (!open) {
    return (
      <div className={styles.actions}>
        <button
          type="button"
          disabled={count === 0 || tooMany}
          title={
            tooMany
              ? `A list holds at most ${numbers.format(MAX_LIST_NEURONS)} neurons: narrow the view first`
              : undefined
          }
          onClick={() => {
            setName(suggestedName);
            setSaved(null);
            setOpen(true);
          }}
        >
          Save {numbers.format(count)} as a list
        </button>
        {saved && (
          <span role="status">
            Saved <Link to={listPath(dataset, saved.id)}>{saved.name}</Link>
          </span>
        )}
      </div>
    );
  }
  return (
    <form
      className={styles.actions}
      aria-label="Save as a list"
      onSubmit={(event) => {
        event.preventDefault();
        try {
          const listId = create({ name, notes, neurons: neurons(), dataset: own });
          setSaved({ id: listId, name: name.trim() });
          setOpen(false);
          setError(null);
        } catch (caught) {
          setError((caught as Error).message);
        }
      }}
    >
      <label htmlFor={`${id}-name`}>List name</label>
      <input
        id={`${id}-name`}
        value={name}
        required
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor={`${id}-notes`}>Notes</label>
      <input id={`${id}-notes`} value={notes} onChange={(event) => setNotes(event.target.value)} />
      <button type="submit">Save</button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}

/** On a neuron's page: add it to one of the lists, or to a new one. */
export function AddToList({ neuron, dataset }: { neuron: NeuronRef; dataset: string | null }) {
  const own = useOwnDataset(dataset);
  const lists = useLists((state) => state.lists);
  const { addNeurons, create } = useLists.getState();
  const [choice, setChoice] = useState('');
  const [done, setDone] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const add = () => {
    try {
      if (choice === '') {
        const name = `Neurons from ${own ?? 'the default dataset'}`;
        setDone({ id: create({ name, notes: '', neurons: [neuron], dataset: own }), name });
      } else {
        addNeurons(choice, [neuron]);
        setDone({ id: choice, name: lists.find((list) => list.id === choice)?.name ?? 'list' });
      }
      setError(null);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <div className={styles.actions}>
      <label htmlFor={id}>Add to list</label>
      <select id={id} value={choice} onChange={(event) => setChoice(event.target.value)}>
        <option value="">A new list</option>
        {lists.map((list) => (
          <option key={list.id} value={list.id}>
            {list.name}
          </option>
        ))}
      </select>
      <button type="button" onClick={add}>
        Add {neuron.layer}:{neuron.neuron}
      </button>
      {done && (
        <span role="status">
          Added to <Link to={listPath(dataset, done.id)}>{done.name}</Link>
        </span>
      )}
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
