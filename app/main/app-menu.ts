import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** Help → "Litbox website": opened in the system browser after the external-link check. */
  openHomepage: () => void;
}

/**
 * The application menu: Electron's standard roles, so the platform's shortcuts work (copy and
 * paste in text fields on macOS need the Edit menu), and About. On macOS the app menu holds
 * About and Quit; elsewhere File holds Quit and Help holds About.
 */
export function appMenuTemplate({ platform, openHomepage }: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const website: MenuItemConstructorOptions = { label: 'Litbox website', click: openHomepage };
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : [{ role: 'fileMenu' } as const]),
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: mac ? [website] : [website, { type: 'separator' }, { role: 'about' }],
    },
  ];
}
