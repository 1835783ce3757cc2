import type { Logger } from '@slipstream/contracts';
import { realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** A running watch of a config file; `close()` stops every watcher and the pending timer. */
export interface ConfigFileWatch {
  close(): void;
}

/** Options of `watchConfigFile`. */
export interface WatchConfigFileOptions {
  /** The quiet spell after the last event before `onChange` runs, ms (editors write in bursts). Defaults to 100. */
  debounceMs?: number;
  /** Where a missing file or a failed watch is reported. */
  logger?: Logger;
}

/**
 * Calls `onChange` when the file at `file` changes, whichever way it is saved: written in place,
 * replaced by a rename (vim, `mv`), deleted and created again, or, for a symlink, pointed
 * elsewhere (a Kubernetes ConfigMap swaps its `..data` link). A watch of the file itself stays on
 * the inode it started on and goes deaf after the first rename; this watches the directories
 * instead: the file's (filtering by its name, and noticing when the path resolves to another
 * file) and, for a symlink, its target's (filtering by the target's name, re-armed when the
 * target moves). `onChange` runs once per quiet spell of `debounceMs`, and not while the file is
 * missing (the config in force stays until it is back).
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  options: WatchConfigFileOptions = {},
): ConfigFileWatch {
  const debounceMs = options.debounceMs ?? 100;
  const logger = options.logger;
  const path = resolve(file);
  /** The watched directories, each with the names in it that are (or resolve to) the file. */
  const watchers = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  let target = resolved(path);
  let timer: NodeJS.Timeout | undefined;
  /** Whether an event named the file (or its target) since the last check. */
  let named = false;
  let closed = false;

  const check = (): void => {
    timer = undefined;
    const now = resolved(path);
    const changed = named || now !== target;
    named = false;
    target = now;
    arm();
    if (!changed) return;
    if (now === undefined) {
      logger?.warn('config file missing; the config in force stays until it is back', { file: path });
      return;
    }
    onChange();
  };

  const onEvent = (dir: string, filename: string | Buffer | null): void => {
    if (closed) return;
    const names = watchers.get(dir)?.names;
    const mentioned = filename === null || names === undefined || names.has(filename.toString());
    if (mentioned) {
      named = true;
      clearTimeout(timer);
      timer = setTimeout(check, debounceMs);
    } else {
      // Another entry of the directory (a ConfigMap's `..data` link, say): see at the next check
      // whether the path now resolves elsewhere. It does not postpone a pending check.
      timer ??= setTimeout(check, debounceMs);
    }
  };

  /** Watches the directories of the path and of its target, closing those no longer wanted. */
  const arm = (): void => {
    if (closed) return;
    const wanted = new Map<string, Set<string>>();
    const want = (p: string): void => {
      const dir = dirname(p);
      const names = wanted.get(dir) ?? new Set<string>();
      names.add(basename(p));
      wanted.set(dir, names);
    };
    want(path);
    if (target !== undefined && target !== path) want(target);
    for (const [dir, entry] of watchers) {
      if (wanted.has(dir)) continue;
      entry.watcher.close();
      watchers.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const entry = watchers.get(dir);
      if (entry) {
        entry.names = names;
        continue;
      }
      try {
        const watcher = watch(dir, (_event, filename) => onEvent(dir, filename));
        watcher.on('error', (err) => {
          // A target directory removed by a swap, say: dropped; the next check re-arms what is wanted.
          logger?.debug('config watch of a directory ended', { dir, error: String(err) });
          watcher.close();
          if (watchers.get(dir)?.watcher === watcher) watchers.delete(dir);
        });
        watchers.set(dir, { watcher, names });
      } catch (err) {
        logger?.warn('config file directory cannot be watched', { dir, error: String(err) });
      }
    }
  };

  arm();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/** The file `path` resolves to (through symlinks), or undefined when there is none. */
function resolved(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
