/**
 * `#/lists`: the lists kept in this browser, and a new one typed by hand; `#/lists/<id>`: one
 * list, its notes and neurons; `#/lists/shared?...`: a list sent as a link, to save.
 *
 * A list belongs to the dataset it was made in, and its page opens in that dataset
 * (`#/d/<dataset>/lists/<id>`), so the header shows the dataset whose neurons the page links to.
 * Choosing another dataset in the header keeps the page and links the same neurons there (a list
 * of neurons worse after re-scoring, opened in the re-scored copy); the page then says so.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { listPath, listsPath, neuronPath, sharedListPath } from '../../core/address/address.ts';
import type { DatasetListEntry } from '../../core/dataset/types.ts';
import {
  ListError,
  listParams,
  parseListParams,
  parseNeuronsText,
  type NeuronRef,
  type SharedList,
} from '../../core/lists/list.ts';
import { datasetLabel } from '../shell/DatasetPicker.tsx';
import { useDatasetRoute } from '../shell/dataset.ts';
import { ListActions } from './ListActions.tsx';
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
  const where = useListDataset(shared.list?.dataset ?? null);
  if (!shared.list) {
    return (
      <section className={styles.page}>
        <h1>A shared list</h1>
        <p role="alert">This link does not hold a list: {shared.error}.</p>
        <Link to={listsPath(where.urlDataset)}>Your lists</Link>
      </section>
    );
  }
  const list = shared.list;
  if (where.moveTo) {
    const search = new URLSearchParams(listParams(list));
    return <Navigate replace to={sharedListPath(where.moveTo, search)} />;
  }
  const save = () => {
    try {
      void navigate(listPath(where.ownPathDataset, create(list)));
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <section className={styles.page} aria-labelledby="list-heading">
      <p className={styles.kicker}>A list shared with you</p>
      <h1 id="list-heading">{list.name}</h1>
      <ListDatasetNote list={list} where={where} />
      {list.notes && <p className={styles.notes}>{list.notes}</p>}
      <div className={styles.actions}>
        <button type="button" onClick={save}>
          Save to my lists
        </button>
        {error && <span role="alert">{error}</span>}
      </div>
      <NeuronLinks list={list} dataset={where.urlDataset} />
    </section>
  );
}

/**
 * Where a list's neurons are linked, for a list made in `own` (null: no dataset recorded): the
 * dataset the path names, else the default. `moveTo` is set when the path names none but the
 * list's own dataset is another one this server has: the page then moves there (replacing the
 * history entry), so that the header shows it.
 */
function useListDataset(own: string | null) {
  const { urlDataset, dataset, entry, datasets } = useDatasetRoute();
  const entries = datasets.data?.datasets;
  const ownEntry = own === null ? undefined : entries?.find((candidate) => candidate.id === own);
  const moveTo =
    urlDataset === null && ownEntry && own !== datasets.data?.default ? ownEntry.id : null;
  return {
    urlDataset,
    /** The dataset the links open, once the list of datasets is in. */
    shown: entry,
    shownId: dataset,
    own,
    ownEntry,
    /** Whether the server's list of datasets is in (before it, nothing is said). */
    loaded: entries !== undefined,
    moveTo,
    /** The list's own dataset as a path names it: null when the server does not have it. */
    ownPathDataset: ownEntry ? ownEntry.id : null,
  };
}

type ListDataset = ReturnType<typeof useListDataset>;

const titleOf = (entry: DatasetListEntry | undefined, id: string | null | undefined) =>
  entry ? datasetLabel(entry) : `“${id ?? ''}”`;

/** Which dataset the list comes from and which one its links open, in words. */
function ListDatasetNote({ list, where }: { list: SharedList; where: ListDataset }) {
  if (!where.loaded) return null;
  const shown = <strong>{titleOf(where.shown, where.shownId)}</strong>;
  if (where.own === null) {
    return (
      <p className={styles.datasetNote} data-testid="list-dataset">
        No dataset recorded with this list: its links open {shown}, the dataset in the header.
      </p>
    );
  }
  if (where.own === where.shownId) {
    return (
      <p className={styles.datasetNote} data-testid="list-dataset">
        Neurons of {shown}, where the list was made.
      </p>
    );
  }
  const own = titleOf(where.ownEntry, where.own);
  return (
    <p className={styles.datasetNote} role="note" data-testid="list-dataset">
      Made in <strong>{own}</strong>
      {where.ownEntry ? '' : ', which this server does not have'}; its links open these neurons in{' '}
      {shown}, the dataset in the header.
      {where.ownEntry && (
        <>
          {' '}
          <Link to={openIn(list, where.ownEntry.id)}>Open them in {own}</Link>
        </>
      )}
    </p>
  );
}

/** The same page, its links opening `dataset`. */
function openIn(list: SharedList & { id?: string }, dataset: string): string {
  return list.id === undefined
    ? sharedListPath(dataset, new URLSearchParams(listParams(list)))
    : listPath(dataset, list.id);
}

function AllLists() {
  const lists = useLists((state) => state.lists);
  const remove = useLists((state) => state.remove);
  const { datasets } = useDatasetRoute();
  const entries = datasets.data?.datasets;
  const entryOf = (id: string | null) => entries?.find((candidate) => candidate.id === id);
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
            const own = entryOf(list.dataset);
            return (
              <li key={list.id}>
                <Link to={listPath(own ? own.id : null, list.id)} className={styles.name}>
                  {list.name}
                </Link>{' '}
                <span className={styles.muted}>
                  {numbers.format(list.neurons.length)} neurons
                  {list.dataset ? ` · in ${titleOf(own, list.dataset)}` : ''} · updated{' '}
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
  // A list typed here is of the dataset the header shows.
  const { urlDataset, dataset, entry } = useDatasetRoute();
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
          const id = create({ name, notes, neurons, dataset: dataset ?? null });
          void navigate(listPath(urlDataset, id));
        } catch (caught) {
          setError((caught as Error).message);
        }
      }}
    >
      <h2 id="new-list-heading">New list</h2>
      {entry && (
        <p className={styles.muted}>
          Of neurons in <strong>{datasetLabel(entry)}</strong>, the dataset in the header.
        </p>
      )}
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
  const where = useListDataset(stored?.dataset ?? null);
  if (!stored) {
    return (
      <section className={styles.page}>
        <h1>No such list</h1>
        <p>
          This browser keeps no list with that id.{' '}
          <Link to={listsPath(where.urlDataset)}>Your lists</Link>
        </p>
      </section>
    );
  }
  if (where.moveTo) return <Navigate replace to={listPath(where.moveTo, id)} />;
  const list = readList(stored);
  return (
    <section className={styles.page} aria-labelledby="list-heading">
      <p className={styles.kicker}>
        <Link to={listsPath(where.urlDataset)}>Lists</Link>
      </p>
      <h1 id="list-heading">{list.name}</h1>
      <ListDatasetNote list={list} where={where} />
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
      <NeuronLinks
        list={list}
        dataset={where.urlDataset}
        onRemove={(neuron) => removeNeuron(list.id, neuron)}
      />
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
  dataset,
  onRemove,
}: {
  list: SharedList;
  /** The dataset the page's path names (null: the default): the one the header shows. */
  dataset: string | null;
  onRemove?: (neuron: NeuronRef) => void;
}) {
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
