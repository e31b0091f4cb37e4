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
