/**
 * The one error class of connectd. Errors are recognised by their `code` and a `Symbol.for` brand,
 * never by `instanceof`: a plugin may bundle its own copy of core, and its errors must still be
 * understood by ours.
 */
const BRAND: unique symbol = Symbol.for('connectd.error') as never;

/** Where a failing command should exit, and which status an HTTP route should answer with. */
export interface ErrorDisposition {
  readonly exitCode: 1 | 2;
  readonly httpStatus: number;
}

export class ConnectdError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly exitCode: 1 | 2;
  readonly httpStatus: number;
  readonly [BRAND] = true;

  constructor(
    code: string,
    message: string,
    details: Readonly<Record<string, unknown>>,
    disposition: ErrorDisposition,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectdError';
    this.code = code;
    this.details = details;
    this.exitCode = disposition.exitCode;
    this.httpStatus = disposition.httpStatus;
  }

  /** Serialises without the cause chain's raw objects, which may hold secrets. */
  toJSON(): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * True when `err` is a connectd error (from any copy of core), and, if `code` is given, has that code.
 * @example
 * if (isConnectdError(err, 'CONNECTD_ERR_INTERNAL')) skipForNow();
 */
export function isConnectdError(err: unknown, code?: string): err is ConnectdError {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (err as { code?: unknown }).code === code;
}
