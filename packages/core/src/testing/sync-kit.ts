/**
 * Pieces for unit tests of stream runs against a loopback vendor: a stream compiled with core's
 * built-in paginators and the canonical catalog, a log that keeps its lines, and a connection whose
 * client is a real connection client that never sleeps between retries.
 */
import { Writable } from 'node:stream';
import type { ComponentContext, ConnectionInfo } from '../connector/index.js';
import { createConnectionClient, type ConnectionClient } from '../http/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { createEntityCatalog } from '../mapping/index.js';
import { BUILTIN_PAGINATORS } from '../pagination/index.js';
import { compileStream, type CompiledStream, type StreamConnection, type StreamDeclaration } from '../sync/index.js';

export const TEST_CONNECTOR = 'fakeshop';
export const TEST_CONNECTION: ConnectionInfo = { id: 'fakeshop:acme', tenant: 'acme', config: {} };

const silent = createLogger({ level: 'silent' });
const context: ComponentContext = { log: silent, signal: new AbortController().signal, now: () => new Date() };
const catalog = createEntityCatalog({});

/** Compiles a declared stream of {@link TEST_CONNECTOR} the way the project does, with the built-in paginators. */
export function compileTestStream(name: string, baseUrl: string, declaration: StreamDeclaration): CompiledStream {
  return compileStream({
    connector: TEST_CONNECTOR,
    name,
    baseUrl,
    declaration,
    catalog,
    functions: [],
    paginators: ({ type, ...options }) => {
      const definition = BUILTIN_PAGINATORS[type];
      if (definition === undefined) throw new Error(`no paginator ${type}`);
      return definition.create(options as never, context);
    },
  });
}

/** A logger at info whose JSON lines are kept for the test to read. */
export function recordingLogger(): { readonly log: Logger; lines(): Array<Record<string, unknown>> } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    log: createLogger({ destination }),
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A connection of {@link TEST_CONNECTION} over a real client (retries without waiting); close the client after the test. */
export function testStreamConnection(log: Logger = silent): StreamConnection & { readonly client: ConnectionClient } {
  const client = createConnectionClient({ name: TEST_CONNECTION.id, log: silent, sleep: async () => undefined, random: () => 0 });
  return { connector: TEST_CONNECTOR, connection: TEST_CONNECTION, client, templateValues: {}, log };
}
