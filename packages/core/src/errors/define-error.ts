import { ConnectdError } from './connectd-error.js';

export type ErrorCode = `CONNECTD_ERR_${string}`;

/** The definition of one error: its code, the text for docs/errors.md, and how it surfaces. */
export interface ErrorDefinition<D extends Record<string, unknown> = Record<string, unknown>> {
  readonly code: ErrorCode;
  /** One sentence for docs/errors.md: what went wrong. */
  readonly meaning: string;
  /** One sentence for docs/errors.md: what the user does about it. */
  readonly fix: string;
  /** 2 for bad input (config, arguments), 1 for runtime failures. Default 1. */
  readonly exitCode?: 1 | 2;
  /** Status an HTTP route answers with when this error reaches it. Default 500. */
  readonly httpStatus?: number;
  /** Builds the message from the details; it must never include secret values. */
  readonly message: (details: D) => string;
}

/** A callable factory that creates the error, carrying its definition for the registry. */
export interface ErrorFactory<D extends Record<string, unknown>> {
  (details: D, options?: { cause?: unknown }): ConnectdError;
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition<D>;
}

/**
 * Declares an error. Factories live in `errors/codes/<area>.ts` and are collected in `registry.ts`,
 * which docs/errors.md is checked against.
 * @example
 * export const CONFIG_ENV_MISSING = defineError<{ variable: string; path: string }>({
 *   code: 'CONNECTD_ERR_CONFIG_ENV_MISSING', exitCode: 2,
 *   meaning: 'A ${VAR} in the config names an unset variable.', fix: 'Set it, or give a default.',
 *   message: (d) => `environment variable ${d.variable} is not set (used at ${d.path})`,
 * });
 * throw CONFIG_ENV_MISSING({ variable: 'STORQ_API_KEY', path: 'connectors.storq.auth.token' });
 */
export function defineError<D extends Record<string, unknown> = Record<string, never>>(
  definition: ErrorDefinition<D>,
): ErrorFactory<D> {
  const disposition = { exitCode: definition.exitCode ?? 1, httpStatus: definition.httpStatus ?? 500 } as const;
  const factory = (details: D, options?: { cause?: unknown }): ConnectdError =>
    new ConnectdError(definition.code, definition.message(details), details, disposition, options);
  return Object.assign(factory, { code: definition.code, definition });
}
