import { defineError } from '../define-error.js';

// Errors of the pagination area. Codes are never reused once retired; add new ones at the end.
// Requests named in messages are redacted by the caller's redactor before they get here.

export const PAGINATION_LOOP = defineError<{ page: number; request: string }>({
  code: 'CONNECTD_ERR_PAGINATION_LOOP',
  meaning: 'The next page request repeats one already made in this run (the vendor returned the same cursor or link again), so paging would never end.',
  fix: 'Check the cursor path or link relation in the pagination config; if the vendor really repeats itself, report it to them and lower `max_pages` meanwhile.',
  message: (d) => `pagination loop: the request for page ${d.page + 1} repeats an earlier one (${d.request}); stopping`,
});

export const PAGINATION_RECORDS_NOT_ARRAY = defineError<{ path: string; found: string }>({
  code: 'CONNECTD_ERR_PAGINATION_RECORDS_NOT_ARRAY',
  meaning: 'The records path of a stream points at something that is not a list in the response.',
  fix: 'Point `records` at the array of records in the response body (e.g. `$.data.items`).',
  message: (d) => `records path "${d.path}" holds ${d.found}, not a list`,
});

export const PAGINATION_PATH_INVALID = defineError<{ path: string; reason: string }>({
  code: 'CONNECTD_ERR_PAGINATION_PATH_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A body path in the pagination or records config is not a dotted path such as `$.data.items` or `pageInfo.endCursor`.',
  fix: 'Write the path as dot-separated names with optional [index] parts, e.g. `data.products.edges` or `items[0].id`; expressions are not supported there.',
  message: (d) => `"${d.path}" is not a body path: ${d.reason}`,
});

export const PAGINATION_CURSOR_INVALID = defineError<{ source: string; found: string }>({
  code: 'CONNECTD_ERR_PAGINATION_CURSOR_INVALID',
  meaning: 'The next-page cursor found in the response is not a string or a number.',
  fix: 'Point the cursor `path` at the cursor value itself (e.g. `pageInfo.endCursor`, not `pageInfo`).',
  message: (d) => `the cursor at ${d.source} is ${d.found}, not a string or number`,
});

export const PAGINATION_BODY_NOT_JSON = defineError<{ bodyPath: string }>({
  code: 'CONNECTD_ERR_PAGINATION_BODY_NOT_JSON',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'A cursor is to be sent in the request body, but the request body is not a JSON object.',
  fix: 'Give the stream a JSON `body` or `graphql` request, or send the cursor as a query parameter (`in: query`).',
  message: (d) => `cannot put the cursor at body path "${d.bodyPath}": the request body is not a JSON object`,
});

export const PAGINATION_CROSS_ORIGIN = defineError<{ from: string; to: string }>({
  code: 'CONNECTD_ERR_PAGINATION_CROSS_ORIGIN',
  meaning: "A response's next-page link points at another origin; following it would send the connection's credentials there.",
  fix: 'Check `base_url` (scheme, host and port must match what the vendor links to); report the vendor if it links elsewhere.',
  message: (d) => `the next-page link leads from ${d.from} to another origin (${d.to}); not following it`,
});

export const PAGINATION_PARAM_INVALID = defineError<{ param: string; value: string }>({
  code: 'CONNECTD_ERR_PAGINATION_PARAM_INVALID',
  exitCode: 2,
  httpStatus: 400,
  meaning: 'The page-number or offset query parameter of the request is not a non-negative integer, so the next page cannot be computed.',
  fix: 'Remove that parameter from the request `query` (the paginator sets it), or set it to a whole number.',
  message: (d) => `query parameter "${d.param}" is "${d.value}", not a non-negative integer`,
});
