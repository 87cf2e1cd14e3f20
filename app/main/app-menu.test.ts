import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from './app-menu.ts';

const roles = (items: MenuItemConstructorOptions[]): (string | undefined)[] => items.map((i) => i.role);

describe('the application menu', () => {
  it('has the standard menus on macOS, with About and Quit in the app menu', () => {
    const menu = appMenuTemplate({ platform: 'darwin', openHomepage: () => undefined });
    expect(roles(menu)).toEqual(['appMenu', 'editMenu', undefined, 'windowMenu', 'help']);
    expect(menu.find((m) => m.label === 'View')!.submenu).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'reload' }),
        expect.objectContaining({ role: 'zoomIn' }),
      ]),
    );
  });

  it('has File (Quit), Edit, View, Window and Help with About elsewhere', () => {
    const opened: string[] = [];
    const menu = appMenuTemplate({ platform: 'linux', openHomepage: () => opened.push('home') });
    expect(roles(menu)).toEqual(['fileMenu', 'editMenu', undefined, 'windowMenu', 'help']);
    const help = menu.at(-1)!.submenu as MenuItemConstructorOptions[];
    expect(help.map((i) => i.role)).toContain('about');
    const website = help.find((i) => i.label === 'Litbox website')!;
    (website.click as () => void)();
    expect(opened).toEqual(['home']);
  });
});
