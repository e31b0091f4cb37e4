import type { ConnectionRuntime } from './runtime.js';

/** A connection that could not be set up (oauth2 without tokens yet, disabled, unreadable credentials): reported, not run. */
export interface UnavailableConnection {
  readonly connector: string;
  readonly connectionId: string;
  readonly reason: string;
  readonly code: string;
}

/** The connections an engine runs, as the rest of the daemon reads them. */
export interface ConnectionRuntimes {
  all(): readonly ConnectionRuntime[];
  /** A connection of `connector` by id, or its first one when no id is given. */
  get(connector: string, connectionId?: string): ConnectionRuntime | undefined;
  unavailable(): readonly UnavailableConnection[];
  close(): Promise<void>;
}

/**
 * The runtimes of one engine. Connections come and go while it runs (consent flow, admin API,
 * another daemon's changes); replacing or removing one closes its client.
 */
export class ConnectionRuntimeSet implements ConnectionRuntimes {
  readonly #runtimes = new Map<string, ConnectionRuntime>();
  readonly #unavailable = new Map<string, UnavailableConnection>();

  all(): readonly ConnectionRuntime[] {
    return [...this.#runtimes.values()];
  }

  get(connector: string, connectionId?: string): ConnectionRuntime | undefined {
    if (connectionId !== undefined) {
      const runtime = this.#runtimes.get(connectionId);
      return runtime?.connector === connector ? runtime : undefined;
    }
    for (const runtime of this.#runtimes.values()) if (runtime.connector === connector) return runtime;
    return undefined;
  }

  unavailable(): readonly UnavailableConnection[] {
    return [...this.#unavailable.values()];
  }

  /** Why a connection is not running here, if it was reported unavailable. */
  unavailableOf(connectionId: string): UnavailableConnection | undefined {
    return this.#unavailable.get(connectionId);
  }

  /** Adds a runtime, replacing (and closing) one with the same connection id. */
  async put(runtime: ConnectionRuntime): Promise<void> {
    const previous = this.#runtimes.get(runtime.connection.id);
    this.#unavailable.delete(runtime.connection.id);
    this.#runtimes.set(runtime.connection.id, runtime);
    if (previous !== undefined && previous !== runtime) await previous.client.close();
  }

  /** Records a connection that cannot run, replacing (and closing) its runtime if it had one. */
  async markUnavailable(entry: UnavailableConnection): Promise<void> {
    await this.remove(entry.connectionId);
    this.#unavailable.set(entry.connectionId, entry);
  }

  /** Forgets a connection, closing its client. Resolves whether it had a runtime. */
  async remove(connectionId: string): Promise<boolean> {
    this.#unavailable.delete(connectionId);
    const runtime = this.#runtimes.get(connectionId);
    if (runtime === undefined) return false;
    this.#runtimes.delete(connectionId);
    await runtime.client.close();
    return true;
  }

  async close(): Promise<void> {
    const runtimes = [...this.#runtimes.values()];
    this.#runtimes.clear();
    await Promise.all(runtimes.map((r) => r.client.close()));
  }
}
