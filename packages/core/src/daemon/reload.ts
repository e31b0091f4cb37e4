import { createHash } from 'node:crypto';
import { formatConfigIssue, type ConfigIssue } from '../config/index.js';
import { DAEMON_RELOAD_REFUSED, isConnectdError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { ConfigReport, ReloadReport } from '../status/index.js';

/** How long the watcher waits for a file to stop changing: editors write in several steps. */
export const CONFIG_RELOAD_DEBOUNCE_MS = 250;

/**
 * The revision of a config text: the first 12 hex digits of its sha256.
 * @example
 * revisionOf('version: 1\n'); // 'a1b2c3d4e5f6'
 */
export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Why a reload was refused, one line per problem: config issues as `connectd validate` prints
 * them (`file:line:col  path  message`), anything else as `CODE: message`.
 * @example
 * describeReloadError(err); // ['/srv/connectors.yaml:12:7  connectors.storq.webhookz  unknown key ...']
 */
export function describeReloadError(err: unknown): string[] {
  if (isConnectdError(err, 'CONNECTD_ERR_CONFIG_INVALID')) {
    const file = String(err.details.file ?? '');
    const issues = (err.details.issues ?? []) as Array<Omit<ConfigIssue, 'file'> & { file?: string }>;
    if (issues.length > 0) return issues.map((issue) => formatConfigIssue({ ...issue, file: issue.file ?? file }));
  }
  if (isConnectdError(err)) return [`${err.code}: ${err.message}`];
  return [err instanceof Error ? err.message : String(err)];
}

export interface ConfigReloaderOptions {
  readonly path: string;
  /** The text the running config was loaded from. */
  readonly text: string;
  readonly loadedAt: Date;
  /** Reads the config file as it is now. */
  readText(): Promise<string>;
  /** Loads, builds and swaps in the config the file holds now; throws (and changes nothing) to refuse it. */
  apply(): Promise<void>;
  readonly log: Logger;
  /** Scrubs secret values from the refusal's lines before they are logged or reported. */
  readonly redact: (text: string) => string;
  readonly debounceMs?: number | undefined;
  readonly now?: (() => Date) | undefined;
}

/**
 * Reloads the config on request: `request()` (the file watcher) waits until the file has been
 * quiet for the debounce, `reload()` (SIGHUP) starts at once. One reload runs at a time; requests
 * during it queue exactly one more, which reads the file as it is then. Unchanged text (same
 * revision) rebuilds nothing; a refused config leaves the running one and its revision.
 * @example
 * const reloader = new ConfigReloader({ path, text, loadedAt: new Date(), readText, apply, log, redact });
 * watcher.on('change', () => reloader.request());
 * const report = await reloader.reload(); // { at, outcome: 'applied' | 'refused' | 'unchanged', errors? }
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #revision: string;
  #loadedAt: Date;
  #last: ReloadReport | undefined;
  #running: Promise<ReloadReport> | undefined;
  #next: Promise<ReloadReport> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#revision = revisionOf(options.text);
    this.#loadedAt = options.loadedAt;
  }

  /** The running config and the last reload's outcome, as the status reports them. */
  state(): ConfigReport {
    return {
      path: this.#options.path,
      revision: this.#revision,
      loadedAt: this.#loadedAt.toISOString(),
      ...(this.#last === undefined ? {} : { lastReload: this.#last }),
    };
  }

  /** A reload once the file has been quiet for the debounce; each call restarts the wait. */
  request(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.reload();
    }, this.#options.debounceMs ?? CONFIG_RELOAD_DEBOUNCE_MS);
  }

  /** A reload now, or, while one runs, one more after it (calls meanwhile share it). Never rejects; after `close()` it does nothing. */
  reload(): Promise<ReloadReport> {
    if (this.#closed) return Promise.resolve(this.#last ?? { at: new Date().toISOString(), outcome: 'unchanged' });
    if (this.#running === undefined) {
      this.#running = this.#run();
      return this.#running;
    }
    this.#next ??= this.#running.then(() => {
      this.#next = undefined;
      this.#running = this.#run();
      return this.#running;
    });
    return this.#next;
  }

  /** Resolves once no reload is waiting, running or queued. */
  async settled(): Promise<void> {
    while (this.#timer !== undefined || this.#running !== undefined) {
      if (this.#running !== undefined) await (this.#next ?? this.#running);
      else await new Promise((resolve) => setTimeout(resolve, this.#options.debounceMs ?? CONFIG_RELOAD_DEBOUNCE_MS));
    }
  }

  /** Stops taking requests; a reload running finishes. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await (this.#next ?? this.#running);
  }

  async #run(): Promise<ReloadReport> {
    try {
      this.#last = await this.#attempt();
      return this.#last;
    } finally {
      if (this.#next === undefined) this.#running = undefined;
    }
  }

  async #attempt(): Promise<ReloadReport> {
    const { log, path } = this.#options;
    const at = (this.#options.now ?? (() => new Date()))();
    let revision: string | undefined;
    try {
      revision = revisionOf(await this.#options.readText());
      if (revision === this.#revision) {
        log.info({ config: path, revision }, 'config unchanged: nothing reloaded');
        return { at: at.toISOString(), outcome: 'unchanged' };
      }
      log.info({ config: path, revision, running: this.#revision }, 'config changed: reloading');
      await this.#options.apply();
    } catch (err) {
      const errors = describeReloadError(err).map((line) => this.#options.redact(line));
      const refused = DAEMON_RELOAD_REFUSED({ configPath: path, count: errors.length });
      // Each line as `connectd validate` prints it, in one record, so the refusal reads as a whole.
      log.error({ code: refused.code, config: path, revision, running: this.#revision, errors }, refused.message);
      return { at: at.toISOString(), outcome: 'refused', errors };
    }
    this.#revision = revision;
    this.#loadedAt = at;
    log.info({ config: path, revision }, 'config reloaded: the new config runs');
    return { at: at.toISOString(), outcome: 'applied' };
  }
}
