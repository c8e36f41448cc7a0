/**
 * The largest activation of a neuron as the results list shows it: two decimals at most, a dash
 * for none. One shared formatter: `toLocaleString` builds a new one on every call, which costs tens
 * of microseconds, and the list formats a value per visible row. Counts and the neuron page's
 * activations (four decimals) are formatted by ../visuals/tokens.ts.
 */
const activations = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatMaxActivation = (value: number) =>
  Number.isNaN(value) ? '—' : activations.format(value);
