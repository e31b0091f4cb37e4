import { defineError } from '../define-error.js';

// Errors of the HTTP runtime (http/). Codes are never reused once retired; add new ones at the end.
// URLs in details and messages are always the redacted form (no userinfo, no secret query values).

export const HTTP_BREAKER_OPEN = defineError<{ connection: string; probeAt: string; retryInMs: number }>({
  code: 'CONNECTD_ERR_HTTP_BREAKER_OPEN',
  httpStatus: 503,
  meaning: "The connection's circuit breaker is open after repeated failures, so the call failed fast without being sent.",
  fix: 'Wait for the probe after the cool-down; check the vendor status and the earlier errors of this connection in the log.',
  message: (d) =>
    `circuit breaker of connection ${d.connection} is open; nothing was sent. A probe goes through at ${d.probeAt} (in ${d.retryInMs} ms)`,
});

export const HTTP_RETRIES_EXHAUSTED = defineError<{
  connection: string;
  method: string;
  url: string;
  attempts: number;
  status?: number;
  reason: string;
}>({
  code: 'CONNECTD_ERR_HTTP_RETRIES_EXHAUSTED',
  httpStatus: 502,
  meaning: 'A vendor call kept failing with retryable errors (network errors, timeouts, 429 or 5xx) until its attempts ran out.',
  fix: 'Check the vendor status and the request log lines of each attempt; raise retry.max_attempts if the vendor needs longer to recover.',
  message: (d) =>
    `${d.method} ${d.url} on connection ${d.connection} failed after ${d.attempts} attempt(s); last: ${
      d.status === undefined ? d.reason : `status ${d.status}`
    }`,
});

export const HTTP_RETRY_AFTER_TOO_LONG = defineError<{
  connection: string;
  method: string;
  url: string;
  waitMs: number;
  maxWaitMs: number;
}>({
  code: 'CONNECTD_ERR_HTTP_RETRY_AFTER_TOO_LONG',
  httpStatus: 503,
  meaning: 'The vendor asked (Retry-After) for a longer wait than retry.max_wait_ms allows, so the call failed instead of waiting.',
  fix: 'Try again later; lower the rate limit of the connection, or raise retry.max_wait_ms if such waits are acceptable.',
  message: (d) =>
    `${d.method} ${d.url} on connection ${d.connection}: the vendor asked to wait ${d.waitMs} ms, more than max_wait_ms ${d.maxWaitMs}`,
});

export const HTTP_REQUEST_FAILED = defineError<{ connection: string; method: string; url: string; reason: string }>({
  code: 'CONNECTD_ERR_HTTP_REQUEST_FAILED',
  httpStatus: 502,
  meaning: 'A vendor call failed with a network error or timeout and was not retried, because its method is not idempotent and it has no idempotency key.',
  fix: 'Check connectivity and the timeouts of the connection; give the action an idempotency key so it can be retried safely.',
  message: (d) => `${d.method} ${d.url} on connection ${d.connection} failed (${d.reason}) and was not retried`,
});

export const HTTP_BODY_TOO_LARGE = defineError<{ connection: string; method: string; url: string; limitBytes: number }>({
  code: 'CONNECTD_ERR_HTTP_BODY_TOO_LARGE',
  httpStatus: 502,
  meaning: 'A vendor response body is larger than the body limit of the HTTP runtime.',
  fix: 'Ask for smaller pages (a lower page size or limit in the request), or raise the body limit of the connection.',
  message: (d) => `response of ${d.method} ${d.url} on connection ${d.connection} exceeds ${d.limitBytes} bytes`,
});

export const HTTP_ABORTED = defineError<{ connection: string; method: string; url: string }>({
  code: 'CONNECTD_ERR_HTTP_ABORTED',
  httpStatus: 503,
  meaning: 'A vendor call was cancelled by its caller (shutdown or a cancelled job) before it finished.',
  fix: 'Nothing to fix when the daemon was stopping; otherwise look for what cancelled the job.',
  message: (d) => `${d.method} ${d.url} on connection ${d.connection} was aborted`,
});

export const HTTP_RESPONSE_NOT_JSON = defineError<{ url: string; status: number; detail: string }>({
  code: 'CONNECTD_ERR_HTTP_RESPONSE_NOT_JSON',
  httpStatus: 502,
  meaning: 'A vendor response expected to be JSON could not be parsed.',
  fix: 'Check the base_url and path (an HTML error page often means the wrong URL) and the vendor status.',
  message: (d) => `response of ${d.url} (status ${d.status}) is not valid JSON: ${d.detail}`,
});

export const HTTP_INVALID_URL = defineError<{ url: string }>({
  code: 'CONNECTD_ERR_HTTP_INVALID_URL',
  meaning: 'A request URL is not an absolute http:// or https:// URL.',
  fix: 'Check the base_url of the connector and the path templates of its requests.',
  message: (d) => `request URL ${d.url} is not an absolute http(s) URL`,
});

export const HTTP_INVALID_RATE = defineError<{ rate: string }>({
  code: 'CONNECTD_ERR_HTTP_INVALID_RATE',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A rate limit is not of the form <number>/<unit>.',
  fix: 'Write the rate like "10/s", "600/min" or "1000/hour", with a number above zero.',
  message: (d) => `rate "${d.rate}" is invalid; write it like 10/s, 600/min or 1000/hour`,
});

export const HTTP_INVALID_POLICY = defineError<{ option: string; reason: string }>({
  code: 'CONNECTD_ERR_HTTP_INVALID_POLICY',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'An option of the HTTP runtime (retry, breaker, rate limit, timeouts) is out of range.',
  fix: 'Correct the option named in the message; docs/config-reference.md gives the allowed values.',
  message: (d) => `HTTP option ${d.option} is invalid: ${d.reason}`,
});

export const HTTP_CLIENT_CLOSED = defineError<{ connection: string }>({
  code: 'CONNECTD_ERR_HTTP_CLIENT_CLOSED',
  httpStatus: 503,
  meaning: 'A call was made on the HTTP client of a connection after the client was closed.',
  fix: 'This happens during shutdown; if it happens otherwise, report it as a bug.',
  message: (d) => `HTTP client of connection ${d.connection} is closed`,
});

export const HTTP_URL_VALUE_MISSING = defineError<{ template: string; name: string }>({
  code: 'CONNECTD_ERR_HTTP_URL_VALUE_MISSING',
  meaning: "A `{name}` placeholder in a connector's `base_url` (or an absolute request path) has no value for this connection, so no request can be addressed.",
  fix: 'Set it under the connector\'s `vars:` in connectors.yaml, or as the connection\'s parameter of that name (`connectd connect … --param name=value`).',
  message: (d) => `the URL ${d.template} needs a value for {${d.name}}: set vars.${d.name} in the connector, or the connection's "${d.name}" parameter`,
});
