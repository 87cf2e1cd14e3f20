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
