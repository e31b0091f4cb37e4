import type { ComponentContext, ConnectionInfo, TokenProvider } from '../connector/index.js';
import { createLogger } from '../log/index.js';

/** One log line a component wrote, parsed (pino's JSON: `level`, `msg` and the bound fields). */
export type CapturedLogLine = Readonly<Record<string, unknown>> & { readonly level: number; readonly msg?: string };

/** What a test gives the contexts it creates; every field optional. */
export interface TestContextOptions {
  /** The connection the component serves (`ctx.connection`). */
  readonly connection?: ConnectionInfo;
  /** `ctx.tokens`, for components that use a connection's OAuth tokens. */
  readonly tokens?: TokenProvider;
  /** The clock (`ctx.now()`). Default the real one. */
  readonly now?: () => Date;
  /** Lowest level captured. Default `debug`. Nothing is printed. */
  readonly logLevel?: string;
}

/** A real component context, with what its logger wrote. */
export interface TestComponentContext extends ComponentContext {
  /** Lines the component logged, in order. */
  readonly logs: readonly CapturedLogLine[];
}

/**
 * A real `ComponentContext`, as core hands one to a component: a pino logger (captured, not
 * printed, with core's redaction), a live AbortSignal, `now()`, and the connection and token
 * provider when given. `logs` holds what was logged, so a test checks a component's warning.
 * @example
 * const ctx = createTestContext({ connection: { id: 'main', tenant: 'acme', config: {} } });
 * hmacVerifier.create({ header: 'x-sig', secret: '' }, ctx);
 * ctx.logs[0]?.msg; // 'webhook verifier has no secret: ...'
 */
export function createTestContext(options: TestContextOptions = {}): TestComponentContext {
  const logs: CapturedLogLine[] = [];
  const destination = { write: (line: string) => void logs.push(JSON.parse(line) as CapturedLogLine) };
  const log = createLogger({ level: options.logLevel ?? 'debug', destination, pretty: false });
  const now = options.now ?? (() => new Date());
  return {
    log,
    signal: new AbortController().signal,
    now,
    logs,
    ...(options.connection === undefined ? {} : { connection: options.connection }),
    ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
  };
}
