import { useCallback, useEffect, useState } from 'react';

/** "system" follows prefers-color-scheme; the others pin a theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const THEME_KEY = 'litbox.theme';

export function loadTheme(): ThemeChoice {
  const saved = localStorage.getItem(THEME_KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

/** Sets <html data-theme>, which the stylesheet's tokens follow; "system" removes it. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** The theme choice, applied to the page and kept in localStorage. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [theme, setTheme] = useState<ThemeChoice>(loadTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const choose = useCallback((choice: ThemeChoice) => {
    if (choice === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
    setTheme(choice);
  }, []);
  return [theme, choose];
}

/** Whether the page shows dark now: the pinned theme, else the system's preference. */
export function isDark(): boolean {
  const pinned = document.documentElement.dataset.theme;
  if (pinned === 'dark' || pinned === 'light') return pinned === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Follows isDark(): a Settings change (the <html> attribute) or the system switching. */
export function useIsDark(): boolean {
  const [dark, setDark] = useState(isDark);
  useEffect(() => {
    const update = () => setDark(isDark());
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', update);
      observer.disconnect();
    };
  }, []);
  return dark;
}
