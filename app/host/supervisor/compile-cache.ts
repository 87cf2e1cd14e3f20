import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the node processes keep V8's compile cache: the user's own cache folder, so every data
 * directory (a new one too) starts from compiled code, and no other user can write into it.
 * Undefined when the folder cannot be made: the nodes then compile from source, only slower.
 */
export function userCompileCacheDir(): string | undefined {
  const home = os.homedir();
  const base =
    process.platform === 'darwin'
      ? path.join(home, 'Library', 'Caches', 'Litbox')
      : process.platform === 'win32'
        ? path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Litbox', 'Cache')
        : path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'litbox');
  const dir = path.join(base, 'node-compile-cache');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  } catch {
    return undefined;
  }
}
