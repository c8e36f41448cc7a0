/**
 * The user's lists of neurons, kept in this browser (localStorage, through zustand's persist).
 * Neurons are stored in the compact form links use (src/core/lists), so a list of thousands of
 * neurons in consecutive runs takes little room.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import {
  compactNeurons,
  MAX_LIST_NEURONS,
  ListError,
  normalizeNeurons,
  parseCompactNeurons,
  type NeuronList,
  type NeuronRef,
} from '../../core/lists/list.ts';

/** A list as stored: its neurons in the compact form. */
interface StoredList {
  id: string;
  name: string;
  notes: string;
  /** Compact form: `5:131,140-142;6:1`. */
  neurons: string;
  dataset: string | null;
  createdAt: string;
  updatedAt: string;
}

interface NewList {
  name: string;
  notes: string;
  neurons: readonly NeuronRef[];
  dataset: string | null;
}

interface ListsState {
  lists: StoredList[];
  /** Saves a new list; returns its id. Throws a ListError when it is too big or unnamed. */
  create: (list: NewList) => string;
  rename: (id: string, name: string) => void;
  setNotes: (id: string, notes: string) => void;
  /** Adds neurons (kept once each); throws a ListError past the size limit. */
  addNeurons: (id: string, neurons: readonly NeuronRef[]) => void;
  removeNeuron: (id: string, neuron: NeuronRef) => void;
  remove: (id: string) => void;
}

const LISTS_STORAGE_KEY = 'neuron-explorer.lists';

function checked(neurons: readonly NeuronRef[]): NeuronRef[] {
  const normal = normalizeNeurons(neurons);
  if (normal.length > MAX_LIST_NEURONS) {
    throw new ListError(
      `A list holds at most ${MAX_LIST_NEURONS.toLocaleString('en')} neurons; this one would have ${normal.length.toLocaleString('en')}`,
    );
  }
  return normal;
}

const newId = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export const useLists = create<ListsState>()(
  persist(
    (set, get) => {
      const change = (id: string, update: (list: StoredList) => Partial<StoredList>) =>
        set({
          lists: get().lists.map((list) =>
            list.id === id
              ? { ...list, ...update(list), updatedAt: new Date().toISOString() }
              : list,
          ),
        });
      return {
        lists: [],
        create: ({ name, notes, neurons, dataset }) => {
          if (name.trim() === '') throw new ListError('Give the list a name');
          const now = new Date().toISOString();
          const id = newId();
          const stored: StoredList = {
            id,
            name: name.trim(),
            notes,
            neurons: compactNeurons(checked(neurons)),
            dataset,
            createdAt: now,
            updatedAt: now,
          };
          set({ lists: [stored, ...get().lists] });
          return id;
        },
        rename: (id, name) => {
          if (name.trim() !== '') change(id, () => ({ name: name.trim() }));
        },
        setNotes: (id, notes) => change(id, () => ({ notes })),
        addNeurons: (id, neurons) => {
          const list = get().lists.find((candidate) => candidate.id === id);
          if (!list) return;
          const all = checked([...parseCompactNeurons(list.neurons, Infinity), ...neurons]);
          change(id, () => ({ neurons: compactNeurons(all) }));
        },
        removeNeuron: (id, { layer, neuron }) =>
          change(id, (list) => ({
            neurons: compactNeurons(
              parseCompactNeurons(list.neurons, Infinity).filter(
                (n) => n.layer !== layer || n.neuron !== neuron,
              ),
            ),
          })),
        remove: (id) => set({ lists: get().lists.filter((list) => list.id !== id) }),
      };
    },
    { name: LISTS_STORAGE_KEY, version: 1, partialize: ({ lists }) => ({ lists }) },
  ),
);

/** A stored list with its neurons read; a list whose stored neurons are damaged has none. */
export function readList(stored: StoredList): NeuronList & { damaged: string | null } {
  try {
    return { ...stored, neurons: parseCompactNeurons(stored.neurons, Infinity), damaged: null };
  } catch (error) {
    return { ...stored, neurons: [], damaged: (error as Error).message };
  }
}
