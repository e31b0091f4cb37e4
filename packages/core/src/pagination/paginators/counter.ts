/** Shared by `offset` and `page`: reading the current counter from the request's query string. */
import { PAGINATION_PARAM_INVALID } from '../../errors/index.js';
import { getQueryParam } from '../query-params.js';

/**
 * The non-negative integer in query parameter `param` of `url`, or `fallback` when it is absent.
 * Throws CONNECTD_ERR_PAGINATION_PARAM_INVALID for anything else.
 */
export function counterIn(url: string, param: string, fallback: number): number {
  const raw = getQueryParam(url, param);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw PAGINATION_PARAM_INVALID({ param, value: raw.slice(0, 40) });
  return Number(raw);
}
