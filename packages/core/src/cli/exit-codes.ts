import { isConnectdError } from '../errors/index.js';

/** Exit codes of every command (the contract in README.md, CLI). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** The exit code an error maps to: a connectd error says so itself; anything else is a runtime failure. */
export function exitCodeOf(err: unknown): number {
  return isConnectdError(err) ? err.exitCode : EXIT_FAILURE;
}
