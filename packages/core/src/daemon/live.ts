/**
 * The generation a reloading daemon runs now. Routes are registered once, when the server is
 * built; their handlers read `current` per request, so a request that began on one generation
 * finishes on its objects and the next request sees the new one.
 * @example
 * const live = new LiveGeneration(first);
 * app.get('/x', () => live.current.answer());
 * const old = live.swap(next); await old.stop();
 */
export class LiveGeneration<G> {
  #current: G;

  constructor(first: G) {
    this.#current = first;
  }

  get current(): G {
    return this.#current;
  }

  /** Makes `next` current and hands back the one it replaces, for the caller to stop. */
  swap(next: G): G {
    const old = this.#current;
    this.#current = next;
    return old;
  }
}

/**
 * An object that forwards every property read to `target()` at the time of the read, methods
 * bound to that target. Route factories take their dependencies as objects and call methods on
 * them per request: handed a view, they follow the live generation without knowing about it.
 * Only for objects used through properties and method calls (no `instanceof`, no enumeration).
 * @example
 * connectionRoutes(liveView(() => live.current.admin)); // each request uses the admin of its moment
 */
export function liveView<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get(_shell, property) {
      const object = target();
      const value: unknown = Reflect.get(object, property, object);
      // Bound, so `#private` fields and `this` resolve on the real object.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
    has: (_shell, property) => Reflect.has(target(), property),
  });
}
