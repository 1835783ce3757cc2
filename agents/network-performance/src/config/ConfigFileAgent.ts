import {
  ConfigError,
  type Agent,
  type AgentContext,
  type AgentHealth,
  type EventBus,
  type Logger,
} from '@slipstream/contracts';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { planReload, type ReloadStep } from './planReload';
import { readConfigFile } from './readConfigFile';
import type { ValidatedSystemConfig } from './validateSystemConfig';

/** What one reload did. */
export type ConfigReloadResult =
  | { status: 'applied'; paths: string[] }
  | { status: 'unchanged' }
  /** Nothing changed: the config in force stays; `error` says why (a `ConfigError` names paths). */
  | { status: 'refused'; error: Error };

/** Options of the `ConfigFileAgent`. */
export interface ConfigFileAgentOptions {
  /** The config file (YAML or JSON) the system was started from. Required. */
  file: string;
  /** Its validated contents, as in force. Required. */
  current: ValidatedSystemConfig;
  /** Quiet time after the last change event before the file is read, ms. Defaults to 100 ms. */
  debounceMs?: number;
  /** Told the outcome of every reload. Defaults to none. */
  onReload?(result: ConfigReloadResult): void;
}

/**
 * Reloads the config file on change and on SIGHUP: reads and validates it
 * (`validateSystemConfig`), plans the bus commands from the config in force to the new one
 * (`planReload`), and applies them through the sidecar's `network.*.configure` commands. Any
 * error — invalid file, a change that needs a restart, a refused command — keeps the config in
 * force (commands already applied are undone) and is logged with its reason.
 */
export class ConfigFileAgent implements Agent {
  readonly id = 'config-file';
  readonly role = 'Reloads the config file: validates it and applies changes over the bus';
  readonly capabilities = ['config-reload'] as const;
  readonly dependsOn = ['network-performance'] as const;
  readonly #options: ConfigFileAgentOptions;
  #current: ValidatedSystemConfig;
  #running: { bus: EventBus; logger: Logger; watcher: FSWatcher } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #last: ConfigReloadResult | undefined;

  constructor(options: ConfigFileAgentOptions) {
    this.#options = options;
    this.#current = options.current;
  }

  /** The config in force. */
  get current(): ValidatedSystemConfig {
    return this.#current;
  }

  /** Watches the file's folder (editors replace files by rename) and listens for SIGHUP. */
  start(ctx: AgentContext): Promise<void> {
    const name = basename(this.#options.file);
    const watcher = watch(dirname(this.#options.file), (_event, changed) => {
      if (changed === name) this.#schedule();
    });
    this.#running = { bus: ctx.bus, logger: ctx.logger, watcher };
    process.on('SIGHUP', this.#onHangup);
    return Promise.resolve();
  }

  /** Stops watching; a reload in progress completes first. */
  async stop(): Promise<void> {
    process.off('SIGHUP', this.#onHangup);
    clearTimeout(this.#timer);
    this.#running?.watcher.close();
    await this.#chain;
    this.#running = undefined;
  }

  health(): AgentHealth {
    return {
      live: true,
      ready: this.#running !== undefined,
      details: { file: this.#options.file, last: this.#last?.status },
    };
  }

  /** Reloads now (after any reload in progress); resolves with what it did. */
  reload(): Promise<ConfigReloadResult> {
    const next = this.#chain.then(() => this.#reload());
    this.#chain = next.catch(() => undefined);
    return next;
  }

  readonly #onHangup = (): void => void this.reload();

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#options.debounceMs ?? 100);
  }

  async #reload(): Promise<ConfigReloadResult> {
    const running = this.#running;
    if (running === undefined)
      return this.#report({ status: 'refused', error: new Error('the agent is not running') });
    let next: ValidatedSystemConfig;
    try {
      next = await readConfigFile(this.#options.file);
    } catch (err) {
      return this.#report({ status: 'refused', error: err as Error });
    }
    const plan = planReload(this.#current, next);
    if (plan.restartNeeded.length > 0)
      return this.#report({ status: 'refused', error: new ConfigError(plan.restartNeeded) });
    if (plan.steps.length === 0) return this.#report({ status: 'unchanged' });
    const done: ReloadStep[] = [];
    for (const step of plan.steps) {
      try {
        await step.apply(running.bus);
        done.push(step);
      } catch (err) {
        await this.#undo(done, running);
        const reason = err instanceof Error ? err.message : String(err);
        return this.#report({
          status: 'refused',
          error: new Error(`${step.path}: ${reason}`, { cause: err }),
        });
      }
    }
    this.#current = next;
    return this.#report({ status: 'applied', paths: plan.steps.map((s) => s.path) });
  }

  /** Undoes applied steps, last first; a failing undo is logged and the rest still run. */
  async #undo(done: readonly ReloadStep[], running: { bus: EventBus; logger: Logger }): Promise<void> {
    for (const step of [...done].reverse()) {
      try {
        await step.undo?.(running.bus);
      } catch (err) {
        running.logger.error('config reload: could not restore a section', {
          path: step.path,
          error: String(err),
        });
      }
    }
  }

  #report(result: ConfigReloadResult): ConfigReloadResult {
    this.#last = result;
    const logger = this.#running?.logger;
    if (result.status === 'refused') {
      logger?.error('config reload refused; the config in force stays', {
        file: this.#options.file,
        reason: result.error.message,
      });
    } else logger?.info(`config reload ${result.status}`, { file: this.#options.file, ...result });
    this.#options.onReload?.(result);
    return result;
  }
}
