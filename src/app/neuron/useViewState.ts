import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useSettings, type SimulationView } from '../settings.ts';
import { readViewState, writeViewState, type RecordGroupId } from './viewState.ts';

/**
 * The neuron page's view state, read from and written to the URL (replacing the history entry, so
 * Back leaves the neuron rather than undoing each toggle). The real-vs-simulated view falls back
 * to the remembered preference and is remembered when changed.
 */
export function useNeuronViewState() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readViewState(params), [params]);
  const remembered = useSettings((settings) => settings.simulationView);
  const remember = useSettings((settings) => settings.setSimulationView);
  const view = state.view ?? remembered;

  const update = useCallback(
    (patch: (current: URLSearchParams) => URLSearchParams) =>
      setParams(patch, { replace: true, preventScrollReset: true }),
    [setParams],
  );

  const selectExplanation = useCallback(
    (explanation: number) => update((current) => writeViewState(current, { explanation })),
    [update],
  );
  const setView = useCallback(
    (next: SimulationView) => {
      remember(next);
      update((current) => writeViewState(current, { view: next }));
    },
    [remember, update],
  );
  const toggleGroup = useCallback(
    (id: RecordGroupId) =>
      update((current) => {
        const expanded = new Set(readViewState(current).expanded);
        if (expanded.has(id)) expanded.delete(id);
        else expanded.add(id);
        return writeViewState(current, { expanded });
      }),
    [update],
  );

  /** Everything a copied link needs, the view included even when the URL left it out. */
  const linkParams = useMemo(() => writeViewState(params, { view }), [params, view]);

  return {
    explanation: state.explanation,
    view,
    expanded: state.expanded,
    params,
    linkParams,
    selectExplanation,
    setView,
    toggleGroup,
  };
}
