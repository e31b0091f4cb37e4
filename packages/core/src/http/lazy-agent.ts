import type { Agent, Dispatcher } from 'undici';

/**
 * An undici Agent made on first use, with undici itself imported then. A daemon whose connectors
 * are idle, or have not sent anything yet, does not load the HTTP client to start: about 0.14 s of
 * module loading on the 2-core machine (`pnpm bench:start`). Requests that arrive while the import
 * runs wait for the same agent.
 * @example
 * const agent = new LazyAgent({ connections: 8 });
 * const dispatcher = await agent.get(); // imports undici and makes the agent once
 * await agent.close(); // nothing to close if it was never made
 */
export class LazyAgent {
  readonly #options: Agent.Options;
  #agent: Promise<Dispatcher> | undefined;

  constructor(options: Agent.Options) {
    this.#options = options;
  }

  /** The agent, made on the first call. */
  get(): Promise<Dispatcher> {
    this.#agent ??= import('undici').then(({ Agent: UndiciAgent }) => new UndiciAgent(this.#options));
    return this.#agent;
  }

  /** Closes the agent if it was made. */
  async close(): Promise<void> {
    if (this.#agent !== undefined) await (await this.#agent).close();
  }
}

/**
 * Where a client's requests go: the dispatcher its caller gave (a dispatcher or a lazy agent,
 * closed by that caller), or a lazy agent of its own, closed with it.
 * @example
 * const dispatchers = new DispatcherSource(options.dispatcher, { connections: 8 });
 * const dispatcher = await dispatchers.get();
 * await dispatchers.close(); // closes only an agent of its own
 */
export class DispatcherSource {
  readonly #dispatcher: Dispatcher | LazyAgent;
  readonly #owned: boolean;

  constructor(given: Dispatcher | LazyAgent | undefined, ownOptions: Agent.Options) {
    this.#owned = given === undefined;
    this.#dispatcher = given ?? new LazyAgent(ownOptions);
  }

  /** The dispatcher; the first call on a lazy agent imports undici and makes the agent. */
  async get(): Promise<Dispatcher> {
    return this.#dispatcher instanceof LazyAgent ? this.#dispatcher.get() : this.#dispatcher;
  }

  /** Closes the agent of its own, if it was made; a caller's dispatcher stays open for its owner. */
  async close(): Promise<void> {
    if (this.#owned && this.#dispatcher instanceof LazyAgent) await this.#dispatcher.close();
  }
}
