/**
 * Light/dark: the stylesheet follows `prefers-color-scheme` unless <html data-theme> overrides it;
 * code that computes colours (the activation scale) asks useResolvedTheme().
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useSettings, type ThemePreference } from '../settings.ts';

export type Theme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToSystemTheme(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches
    ? 'dark'
    : 'light';
}

export function useSystemTheme(): Theme {
  return useSyncExternalStore(subscribeToSystemTheme, systemTheme, () => 'light');
}

export function resolveTheme(preference: ThemePreference, system: Theme): Theme {
  return preference === 'system' ? system : preference;
}

/** The theme in effect now: the remembered choice, or the system's. */
export function useResolvedTheme(): Theme {
  const preference = useSettings((state) => state.theme);
  return resolveTheme(preference, useSystemTheme());
}

/** Mirrors the remembered choice onto <html data-theme>, which the stylesheet reads. */
export function useApplyTheme(): void {
  const preference = useSettings((state) => state.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (preference === 'system') delete root.dataset.theme;
    else root.dataset.theme = preference;
  }, [preference]);
}
