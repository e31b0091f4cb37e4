import { afterEach, describe, expect, it } from 'vitest';
import { holdStopSignals } from './held-signals.js';

const listeners: Array<[NodeJS.Signals, (signal: NodeJS.Signals) => void]> = [];
afterEach(() => {
  for (const [signal, listener] of listeners.splice(0)) process.off(signal, listener);
});

/** A listener like stopOnSignal's, removed after the test. */
function listen(signal: NodeJS.Signals, seen: NodeJS.Signals[]): void {
  const listener = (s: NodeJS.Signals): void => void seen.push(s);
  process.on(signal, listener);
  listeners.push([signal, listener]);
}

describe('holdStopSignals', () => {
  it('hands a SIGTERM that came during the start to the stop handler installed after it, once', () => {
    const before = process.listenerCount('SIGTERM');
    const held = holdStopSignals();
    process.emit('SIGTERM', 'SIGTERM');
    const seen: NodeJS.Signals[] = [];
    listen('SIGTERM', seen);
    expect(seen).toEqual([]);
    held.release();
    held.release();
    expect(seen).toEqual(['SIGTERM']);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
  });

  it('hands nothing on when no signal came, and leaves no listener of its own', () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const held = holdStopSignals();
    expect(process.listenerCount('SIGINT')).toBe(before[1]! + 1);
    const seen: NodeJS.Signals[] = [];
    listen('SIGINT', seen);
    held.release();
    expect(seen).toEqual([]);
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT') - 1]).toEqual(before);
  });
});
