/**
 * `#/lists`: the lists kept in this browser, and a new one typed by hand; `#/lists/<id>`: one
 * list, its notes and neurons; `#/lists/shared?...`: a list sent as a link, to save.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  ListError,
  parseListParams,
  parseNeuronsText,
  type NeuronRef,
  type SharedList,
} from '../../core/lists/list.ts';
import { useDatasets } from '../data/queries.ts';
import { neuronPath } from '../../core/address/address.ts';
import { ListActions } from './ListActions.tsx';
import { listPath, listsPath } from './paths.ts';
import { readList, useLists } from './store.ts';
import styles from './Lists.module.css';

const numbers = new Intl.NumberFormat();

export function ListsPage() {
  const { id } = useParams();
  useEffect(() => {
    document.title = 'Lists · Neuron Explorer';
  }, []);
  if (id === undefined) return <AllLists />;
  return <OneList id={id} />;
}

export function SharedListPage() {
  const [params] = useSearchParams();
  const shared = useMemo(() => {
    try {
      return { list: parseListParams(params), error: null };
    } catch (error) {
      return { list: null, error: (error as Error).message };
    }
  }, [params]);
  const create = useLists((state) => state.create);
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  if (!shared.list) {
    return (
      <section className={styles.page}>
        <h1>A shared list</h1>
        <p role="alert">This link does not hold a list: {shared.error}.</p>
        <Link to={listsPath()}>Your lists</Link>
      </section>
    );
  }
  const list = shared.list;
  const save = () => {
    try {
      void navigate(listPath(create(list)));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <section className={styles.page} aria-labelledby="list-heading">
      <p className={styles.kicker}>A list shared with you</p>
      <h1 id="list-heading">{list.name}</h1>
      {list.notes && <p className={styles.notes}>{list.notes}</p>}
      <div className={styles.actions}>
        <button type="button" onClick={save}>
          Save to my lists
        </button>
        {error && <span role="alert">{error}</span>}
      </div>
      <NeuronLinks list={list} />
    </section>
  );
}

function AllLists() {
  const lists = useLists((state) => state.lists);
  const remove = useLists((state) => state.remove);
  return (
    <section className={styles.page} aria-labelledby="lists-heading">
      <h1 id="lists-heading">Lists</h1>
      <p className={styles.lead}>
        Neurons you keep, with notes, in this browser. Save them from browse (a search or a
        comparison), from a neuron’s page, or type them here; share one by link, or download it for{' '}
        <code>npm run cli -- batch --select file:&lt;list&gt;.txt</code>.
      </p>
      {lists.length === 0 ? (
        <p>No lists yet.</p>
      ) : (
        <ul className={styles.lists} aria-label="Your lists">
          {lists.map((stored) => {
            const list = readList(stored);
            return (
              <li key={list.id}>
                <Link to={listPath(list.id)} className={styles.name}>
                  {list.name}
                </Link>{' '}
                <span className={styles.muted}>
                  {numbers.format(list.neurons.length)} neurons
                  {list.dataset ? ` · from ${list.dataset}` : ''} · updated{' '}
                  {new Date(list.updatedAt).toLocaleString()}
                </span>
                {list.notes && <p className={styles.notes}>{list.notes}</p>}
                <div className={styles.actions}>
                  <ListActions list={list} />
                  <button
                    type="button"
                    onClick={() => {
                      if (window.confirm(`Delete the list “${list.name}”?`)) remove(list.id);
                    }}
                  >
                    Delete
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <NewListForm />
    </section>
  );
}

function NewListForm() {
  const create = useLists((state) => state.create);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className={styles.form}
      aria-labelledby="new-list-heading"
      onSubmit={(event) => {
        event.preventDefault();
        try {
          const neurons = parseNeuronsText(text);
          void navigate(listPath(create({ name, notes, neurons, dataset: null })));
        } catch (caught) {
          setError((caught as Error).message);
        }
      }}
    >
      <h2 id="new-list-heading">New list</h2>
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Notes
        <textarea value={notes} rows={2} onChange={(event) => setNotes(event.target.value)} />
      </label>
      <label>
        Neurons, one a line (<code>5/131</code> or <code>5:131</code>; <code>#</code> starts a
        comment)
        <textarea
          value={text}
          rows={5}
          className={styles.mono}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <button type="submit">Save list</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function OneList({ id }: { id: string }) {
  const stored = useLists((state) => state.lists.find((list) => list.id === id));
  const { rename, setNotes, addNeurons, removeNeuron } = useLists.getState();
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!stored) {
    return (
      <section className={styles.page}>
        <h1>No such list</h1>
        <p>
          This browser keeps no list with that id. <Link to={listsPath()}>Your lists</Link>
        </p>
      </section>
    );
  }
  const list = readList(stored);
  return (
    <section className={styles.page} aria-labelledby="list-heading">
      <p className={styles.kicker}>
        <Link to={listsPath()}>Lists</Link>
      </p>
      <h1 id="list-heading">{list.name}</h1>
      {list.damaged && (
        <p role="alert">This list’s stored neurons could not be read: {list.damaged}</p>
      )}
      <label className={styles.field}>
        Name
        <input
          defaultValue={list.name}
          key={`name-${list.id}`}
          onBlur={(event) => rename(list.id, event.target.value)}
        />
      </label>
      <label className={styles.field}>
        Notes
        <textarea
          defaultValue={list.notes}
          key={`notes-${list.id}`}
          rows={3}
          onBlur={(event) => setNotes(list.id, event.target.value)}
        />
      </label>
      <ListActions list={list} />
      <NeuronLinks list={list} onRemove={(neuron) => removeNeuron(list.id, neuron)} />
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          try {
            addNeurons(list.id, parseNeuronsText(adding));
            setAdding('');
            setError(null);
          } catch (caught) {
            setError(caught instanceof ListError ? caught.message : String(caught));
          }
        }}
      >
        <label>
          Add neurons, one a line
          <textarea
            rows={3}
            value={adding}
            className={styles.mono}
            onChange={(event) => setAdding(event.target.value)}
          />
        </label>
        <button type="submit">Add</button>
        {error && <p role="alert">{error}</p>}
      </form>
    </section>
  );
}

/** At most this many neuron links are drawn (a list may hold 50,000). */
const SHOWN = 500;

function NeuronLinks({
  list,
  onRemove,
}: {
  list: SharedList;
  onRemove?: (neuron: NeuronRef) => void;
}) {
  const datasets = useDatasets();
  // Links open the list's dataset when this server has it, else the default one.
  const known = datasets.data?.datasets.some((entry) => entry.id === list.dataset);
  const dataset = known ? list.dataset : null;
  const shown = list.neurons.slice(0, SHOWN);
  return (
    <>
      <h2>
        {numbers.format(list.neurons.length)} neuron{list.neurons.length === 1 ? '' : 's'}
      </h2>
      <ul className={styles.neurons} aria-label="Neurons in the list">
        {shown.map((neuron) => (
          <li key={`${neuron.layer}/${neuron.neuron}`}>
            <Link to={neuronPath(dataset, neuron)}>
              {neuron.layer}:{neuron.neuron}
            </Link>
            {onRemove && (
              <button
                type="button"
                className={styles.remove}
                aria-label={`Remove ${neuron.layer}:${neuron.neuron}`}
                onClick={() => onRemove(neuron)}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {list.neurons.length > SHOWN && (
        <p className={styles.muted}>
          The first {numbers.format(SHOWN)} are shown; the download and the link hold all.
        </p>
      )}
    </>
  );
}
