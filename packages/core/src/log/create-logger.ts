import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, REDACT_PATHS, redactPathsFor } from './redact.js';
import { SecretValues } from './secret-values.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** pino level; default `info`. */
  readonly level?: string;
  /** Pretty output for people; default: when stdout is a TTY. */
  readonly pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to capture them. */
  readonly destination?: DestinationStream;
  /** Values scrubbed from every line (shared with the config loader and the vault). */
  readonly secrets?: SecretValues;
  /** Extra field names to censor (plugin `meta.secrets`). */
  readonly secretFields?: readonly string[];
}

/**
 * Creates the one root logger of a process. Modules get children of it, never their own pino.
 * @example
 * const log = createLogger({ level: 'debug' });
 * log.child({ connector: 'storq' }).info('ready');
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const secrets = options.secrets ?? new SecretValues();
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: [...REDACT_PATHS, ...redactPathsFor(options.secretFields ?? [])], censor: REDACTED },
    hooks: {
      // The last gate before bytes leave the process: value-based scrubbing of known secrets.
      streamWrite: (line) => (secrets.size === 0 ? line : secrets.scrub(line, REDACTED)),
    },
  };
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  if (pretty && options.destination === undefined) {
    const prettyStream = pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } });
    return pino(pinoOptions, prettyStream);
  }
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}
