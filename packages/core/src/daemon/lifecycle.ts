import type { Logger } from '../log/index.js';
import { DAEMON_SHUTDOWN_TIMEOUT } from '../errors/index.js';

/** Something that can be stopped gracefully: stop accepting, finish in-flight work, release resources. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Waits for SIGTERM or SIGINT, then stops `target` within `deadlineMs`. Resolves with the exit
 * code: 0 after a clean stop, 1 when the deadline passed or stopping failed. A second signal
 * during shutdown gives up waiting at once.
 * @example
 * process.exitCode = await stopOnSignal(daemon, log, 10_000);
 */
export function stopOnSignal(target: Stoppable, log: Logger, deadlineMs: number): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without waiting');
        resolve(1);
        return;
      }
      stopping = true;
      log.info({ signal, deadlineMs }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ code: DAEMON_SHUTDOWN_TIMEOUT.code }, DAEMON_SHUTDOWN_TIMEOUT({ deadlineMs }).message);
        resolve(1);
      }, deadlineMs);
      timer.unref();
      target.stop().then(
        () => {
          clearTimeout(timer);
          log.info('stopped');
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(timer);
          log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Something whose config can be reloaded; `reload()` never rejects. */
export interface Reloadable {
  reload(): Promise<unknown>;
}

/** A SIGHUP listener installed before the daemon exists; see {@link reloadOnHangup}. */
export interface HangupListener {
  /** From now on each SIGHUP reloads `target`; one received before runs now. */
  attach(target: Reloadable): void;
  /** Removes the listener (SIGHUP takes its default course again). */
  detach(): void;
}

/**
 * Makes SIGHUP reload the daemon's config instead of ending the process (its default). Installed
 * as `connectd run` starts, so a SIGHUP during the start is kept and runs a reload once the
 * daemon is attached.
 * @example
 * const hangup = reloadOnHangup();
 * const daemon = await startDaemon(options);
 * hangup.attach(daemon);
 */
export function reloadOnHangup(): HangupListener {
  let target: Reloadable | undefined;
  let pending = false;
  const onHangup = (): void => {
    if (target === undefined) pending = true;
    else void target.reload();
  };
  process.on('SIGHUP', onHangup);
  return {
    attach(next) {
      target = next;
      if (pending) {
        pending = false;
        void next.reload();
      }
    },
    detach() {
      target = undefined;
      process.off('SIGHUP', onHangup);
    },
  };
}
