/**
 * Number formatting for the browse page. One shared formatter: `toLocaleString` builds a new one
 * on every call, which costs tens of microseconds, and the charts label every bar and layer.
 */
const counts = new Intl.NumberFormat();
const activations = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const formatCount = (value: number) => counts.format(value);
export const formatActivation = (value: number) =>
  Number.isNaN(value) ? '—' : activations.format(value);
