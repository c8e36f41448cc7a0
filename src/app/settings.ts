/**
 * User preferences remembered across visits (localStorage). View state that a copied link must
 * reproduce lives in the URL; these are only the defaults used when the URL does not say.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** 'system' follows the operating system's light/dark setting. */
export type ThemePreference = 'system' | 'light' | 'dark';

/** How a scored sequence shows real against simulated activations. */
export type SimulationView = 'side-by-side' | 'overlay';

export const SIMULATION_VIEWS: readonly SimulationView[] = ['side-by-side', 'overlay'];

interface Settings {
  theme: ThemePreference;
  simulationView: SimulationView;
  setTheme: (theme: ThemePreference) => void;
  setSimulationView: (view: SimulationView) => void;
}

export const SETTINGS_STORAGE_KEY = 'neuron-explorer.settings';

export const useSettings = create<Settings>()(
  persist(
    (set) => ({
      theme: 'system',
      simulationView: 'side-by-side',
      setTheme: (theme) => set({ theme }),
      setSimulationView: (simulationView) => set({ simulationView }),
    }),
    {
      name: SETTINGS_STORAGE_KEY,
      version: 1,
      partialize: ({ theme, simulationView }) => ({ theme, simulationView }),
    },
  ),
);
