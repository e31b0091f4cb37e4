/**
 * What a vendor said when it refused an action: its error body passed through (the caller needs
 * the vendor's own words to fix the input), bounded in size, plus a one-line summary for messages.
 */
import type { HttpResponse } from '../http/index.js';

/** Longest vendor error text kept, in characters. */
export const VENDOR_ERROR_TEXT_MAX_CHARS = 1_000;
/** Largest error body passed on as parsed JSON; a bigger one is cut like text (errors are small; this is not one). */
export const VENDOR_ERROR_JSON_MAX_BYTES = 16 * 1024;
/** Longest summary quoted in an error message, in characters. */
export const VENDOR_ERROR_SUMMARY_MAX_CHARS = 200;

/** The vendor's error body and a short summary of it, when one of the common shapes carries one. */
export interface VendorError {
  readonly body: unknown;
  readonly summary: string | undefined;
}

/**
 * Reads a refused response: JSON when it parses (most APIs) and is not huge, else its text cut to
 * {@link VENDOR_ERROR_TEXT_MAX_CHARS}; an empty body is null.
 * @example
 * readVendorError(res); // { body: { error: { type: 'invalid_request_error', message: '…', param: 'sku' } }, summary: 'invalid_request_error: …' }
 */
export function readVendorError(response: HttpResponse): VendorError {
  if (response.body.length === 0) return { body: null, summary: undefined };
  const body = response.body.length > VENDOR_ERROR_JSON_MAX_BYTES ? undefined : parseJson(response);
  if (body === undefined) {
    const text = response.text();
    return { body: text.length > VENDOR_ERROR_TEXT_MAX_CHARS ? `${text.slice(0, VENDOR_ERROR_TEXT_MAX_CHARS)}…` : text, summary: undefined };
  }
  return { body: body.value, summary: summarise(body.value) };
}

/** The body as JSON, or undefined when it is not JSON. */
function parseJson(response: HttpResponse): { readonly value: unknown } | undefined {
  try {
    return { value: response.json() };
  } catch {
    return undefined;
  }
}

/**
 * The vendor's own error text from the shapes APIs commonly use: `{error: {type, message}}`,
 * `{error, error_description}`, `{message}`, `{errors: [{message}]}` or `{errors: "…"}`.
 */
function summarise(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body['error'];
  const parts: string[] = [];
  if (isObject(error)) {
    parts.push(...strings(error['type'] ?? error['code'], error['message']));
  } else {
    parts.push(...strings(error, body['error_description'] ?? body['message']));
  }
  if (parts.length === 0) {
    const errors = body['errors'];
    const first: unknown = Array.isArray(errors) ? errors[0] : errors;
    parts.push(...(isObject(first) ? strings(first['code'], first['message']) : strings(first)));
  }
  if (parts.length === 0) return undefined;
  const text = parts.join(': ');
  return text.length > VENDOR_ERROR_SUMMARY_MAX_CHARS ? `${text.slice(0, VENDOR_ERROR_SUMMARY_MAX_CHARS)}…` : text;
}

function strings(...values: unknown[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
