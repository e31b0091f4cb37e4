import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../log/index.js';

/**
 * Calls `onChange` whenever the config file may have changed. It watches the file's folder, not
 * the file: editors save by writing a new file and renaming it over the old one, which a watch on
 * the old file's inode would never see again. Events for other files of the folder are ignored;
 * an event without a file name (some platforms) counts as a change. Returns the function that
 * stops watching.
 * @example
 * const unwatch = watchConfig('/srv/connectors.yaml', () => reloader.request(), log);
 */
export function watchConfig(path: string, onChange: () => void, log: Logger): () => void {
  const name = basename(path);
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file.toString() === name) onChange();
    });
  } catch (err) {
    log.warn({ err, config: path }, 'cannot watch the config folder: reload it with SIGHUP');
    return () => undefined;
  }
  watcher.on('error', (err) => log.warn({ err, config: path }, 'watching the config folder failed: reload it with SIGHUP'));
  return () => watcher.close();
}
