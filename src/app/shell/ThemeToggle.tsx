import { useSettings } from '../settings.ts';
import { useResolvedTheme, useSystemTheme } from './theme.ts';

/**
 * Switches between light and dark. Choosing what the system already shows goes back to following
 * the system, so the page keeps tracking it unless the user really wants the other theme.
 */
export function ThemeToggle() {
  const resolved = useResolvedTheme();
  const system = useSystemTheme();
  const setTheme = useSettings((state) => state.setTheme);
  const dark = resolved === 'dark';
  const toggle = () => {
    const next = dark ? 'light' : 'dark';
    setTheme(next === system ? 'system' : next);
  };
  return (
    <button type="button" aria-pressed={dark} onClick={toggle} title="Toggle dark mode">
      <span aria-hidden="true">{dark ? '☾' : '☀'}</span>
      Dark mode
    </button>
  );
}
