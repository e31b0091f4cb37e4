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

/** The dispatcher a caller gave, or the lazy agent made for it. */
export const dispatcherOf = async (dispatcher: Dispatcher | LazyAgent): Promise<Dispatcher> =>
  dispatcher instanceof LazyAgent ? dispatcher.get() : dispatcher;
