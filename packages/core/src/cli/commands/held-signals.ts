/** The signals that stop the daemon. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Signals held while the daemon starts; see {@link holdStopSignals}. */
export interface HeldSignals {
  /** Stops holding, then hands a signal that came meanwhile to the listeners registered since (`stopOnSignal`'s). Once only; later calls do nothing. */
  release(): void;
}

/**
 * Holds SIGTERM and SIGINT while `connectd run` starts. The daemon answers `/healthz` as soon as
 * it listens, before its stop handler is installed; a signal in that window would kill the
 * process with the embedded database open. Held, the first signal waits for the start to end and
 * then stops the daemon gracefully; a second one kills the process at once, as before.
 * @example
 * const held = holdStopSignals();
 * const daemon = await startDaemon(options);
 * const stopped = stopOnSignal(daemon, daemon.log, deadlineMs); // its listeners are now in place
 * held.release(); // a SIGTERM that came during the start now stops the daemon
 * process.exitCode = await stopped;
 */
export function holdStopSignals(): HeldSignals {
  let received: NodeJS.Signals | undefined;
  let released = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received === undefined) {
      received = signal;
      return;
    }
    // A second signal: stop holding and let it take its default course (the process ends).
    remove();
    process.kill(process.pid, signal);
  };
  const remove = (): void => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    release() {
      if (released) return;
      released = true;
      remove();
      if (received !== undefined) process.emit(received, received);
    },
  };
}
