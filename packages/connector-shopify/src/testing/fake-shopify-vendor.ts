import { createFakeVendor, type FakeVendor, type RecordedRequest, type VendorExchange } from './core-test-kit.js';
import { adminPath, adminTokenCheck, baseNote, kindOf, shopifyNotFound, type ApiBooks, type ApiNote, type ShopifyApiContext } from './fake-shopify-api.js';
import type { ShopifyRequestRecord } from './fake-shopify-types.js';
import type { FaultDecision } from './faults.js';

/** Core's fake vendor as Shopify, and the books its shops' routes (`registerShop`) write in. */
export interface ShopifyVendor {
  readonly vendor: FakeVendor;
  readonly books: ApiBooks;
}

/**
 * Starts core's fake vendor as Shopify: an Admin API request meets, in order, scripted faults
 * (core's queue), the seeded random faults, the token check ({@link adminTokenCheck}), then its
 * endpoint; OAuth endpoints meet only their scripted faults. Unknown shops and paths get
 * `{"errors":"Not Found"}` before any fault. Every answer is logged in `requests`.
 * @example
 * const { vendor, books } = await startShopifyVendor(api, requests);
 * registerShop(vendor, api, runtime, books);
 */
export async function startShopifyVendor(api: ShopifyApiContext, requests: ShopifyRequestRecord[]): Promise<ShopifyVendor> {
  // The plan decides once per request (in `intercept`); `delayMs`, the token check and the log read that decision back.
  const decisions = new WeakMap<RecordedRequest, FaultDecision>();
  const books: ApiBooks = { notes: new WeakMap(), calls: new WeakMap() };
  const checkToken = adminTokenCheck(api, books);
  const delayOf = (request: RecordedRequest): number => {
    const decision = decisions.get(request);
    return decision?.kind === 'none' ? decision.delayMs : 0;
  };
  const vendor = await createFakeVendor({
    intercept(request) {
      const admin = adminPath(request.path);
      if (admin === undefined) return undefined;
      const decision = api.faults.decide();
      decisions.set(request, decision);
      if (decision.kind === 'none') return undefined;
      books.notes.set(request, { ...baseNote(admin.shop, kindOf(admin.resource)), fault: decision.kind });
      return decision.reply;
    },
    // A slow request is slow whatever it gets, a 401 included.
    authorize(request) {
      const verdict = checkToken(request);
      const delayMs = delayOf(request);
      return verdict === true || delayMs === 0 || 'fault' in verdict ? verdict : { ...verdict, delayMs };
    },
    delayMs: delayOf,
    notFound: () => shopifyNotFound(),
    observe: (exchange) => requests.push(recordOf(exchange, noteOf(exchange, books.notes.get(exchange.request), api), decisions.get(exchange.request))),
  });
  return { vendor, books };
}

/** The note of an exchange: the one its stages wrote, else what its path tells (a scripted fault, a 404). */
function noteOf(exchange: VendorExchange, noted: ApiNote | undefined, api: ShopifyApiContext): ApiNote {
  const { request, stage } = exchange;
  if (stage === 'fault') {
    const admin = adminPath(request.path);
    const shop = /^\/([^/]+)\//.exec(request.path)![1]!;
    if (admin !== undefined) return { ...baseNote(shop, kindOf(admin.resource)), fault: 'scripted' };
    return { ...baseNote(shop, 'oauth'), route: exchange.route!.replace(`/${shop}/`, '/'), fault: 'scripted' };
  }
  if (noted !== undefined) return noted;
  const segment = /^\/([^/]+)\/admin\//.exec(request.path)?.[1];
  return baseNote(segment !== undefined && api.shop(segment) !== undefined ? segment : null);
}

function parsedBody(request: RecordedRequest): unknown {
  if (request.body.length === 0) return undefined;
  try {
    return request.json();
  } catch {
    return undefined;
  }
}

function recordOf(exchange: VendorExchange, note: ApiNote, decision: FaultDecision | undefined): ShopifyRequestRecord {
  const { request, reply } = exchange;
  const status = 'fault' in reply ? reply.fault : (reply.status ?? 200);
  const slow = decision?.kind === 'none' && decision.delayMs > 0 && note.fault === null;
  const { method, path } = request;
  return { ...note, fault: slow ? 'slow' : note.fault, method, path, query: Object.fromEntries(request.query), body: parsedBody(request), status, request };
}
