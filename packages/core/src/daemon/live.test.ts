import { describe, expect, it } from 'vitest';
import { LiveGeneration, liveView } from './live.js';

class Counter {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  name(): string {
    return this.#name;
  }
}

describe('liveView', () => {
  it('forwards each call to the generation current at that moment, with its private state', () => {
    const live = new LiveGeneration({ counter: new Counter('first') });
    const view = liveView(() => live.current.counter);
    expect(view.name()).toBe('first');
    const old = live.swap({ counter: new Counter('second') });
    expect(old.counter.name()).toBe('first');
    expect(view.name()).toBe('second');
  });
});
