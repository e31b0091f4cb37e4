import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import type { GqlDocument } from './graphql-ast.js';
import type { GraphqlError } from './graphql-errors.js';
import { execute, requestedCost, type SearchReport } from './graphql-execute.js';
import { GqlSyntaxError, parseGraphql } from './graphql-parser.js';
import { planOperation } from './graphql-plan.js';
import { SHOPIFY_GRAPHQL_SCHEMA } from './graphql-schema.js';
import type { ResolveContext } from './graphql-types.js';
import type { PointsBucket } from './rate-buckets.js';

/** Shopify refuses any single query whose requested cost exceeds 1000 points. */
export const DEFAULT_SHOPIFY_MAX_QUERY_COST = 1000;

/** How the fake answers a throttled query: Shopify answers 200 with a `THROTTLED` error; some report 429. */
export type ThrottledStatus = 200 | 429;

export interface GraphqlEndpointContext {
  readonly resolve: ResolveContext;
  readonly bucket: PointsBucket;
  readonly maxQueryCost: number;
  readonly throttledStatus: ThrottledStatus;
}

/** What the endpoint did, for the request log. */
export interface GraphqlOutcome {
  readonly answer: FakeAnswer;
  /** Null when the query never got as far as a cost (unreadable, invalid). */
  readonly requestedCost: number | null;
  readonly actualCost: number | null;
  readonly throttled: boolean;
}

interface GraphqlBody {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

function readBody(request: RecordedRequest): GraphqlBody | undefined {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/graphql')) return { query: request.text(), variables: {}, operationName: undefined };
  try {
    const body = JSON.parse(request.text()) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof body.query !== 'string') return undefined;
    const variables = typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : {};
    return { query: body.query, variables, operationName: typeof body.operationName === 'string' ? body.operationName : undefined };
  } catch {
    return undefined;
  }
}

const maxCostMessage = (cost: number, max: number): string =>
  `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`;

/**
 * `POST /admin/api/{version}/graphql.json` for an authorized shop. JSON body `{query, variables,
 * operationName}` (or `application/graphql`); a missing query: 400. Then, in order: syntax and
 * validation errors (200, `errors`, nothing charged), the requested cost against the single-query
 * maximum (`MAX_COST_EXCEEDED`), the points bucket (`THROTTLED`, `actualQueryCost: null`, status
 * 200 or the configured 429), execution, and the refund of requested minus actual cost. Every
 * answer carries `extensions.cost` with the bucket's `throttleStatus` after the query.
 * @example
 * const outcome = serveGraphql(context, request); // outcome.answer.json.extensions.cost.requestedQueryCost
 */
export function serveGraphql(context: GraphqlEndpointContext, request: RecordedRequest): GraphqlOutcome {
  const body = readBody(request);
  if (body === undefined) return { answer: { status: 400, json: { errors: { query: 'Required parameter missing or invalid' } } }, requestedCost: null, actualCost: null, throttled: false };
  const answer = (status: number, payload: Record<string, unknown>, requested: number | null, actual: number | null, searches: SearchReport[] = []): FakeAnswer => ({
    status,
    json: {
      ...payload,
      extensions: { cost: { requestedQueryCost: requested ?? 0, actualQueryCost: actual, throttleStatus: context.bucket.status() }, ...(searches.length > 0 ? { search: searches } : {}) },
    },
  });
  const refused = (errors: readonly GraphqlError[]): GraphqlOutcome => ({ answer: answer(200, { errors }, null, 0), requestedCost: null, actualCost: null, throttled: false });
  let doc: GqlDocument;
  try {
    doc = parseGraphql(body.query);
  } catch (err) {
    if (!(err instanceof GqlSyntaxError)) throw err;
    return refused([{ message: err.message, locations: [err.loc] }]);
  }
  const plan = planOperation(SHOPIFY_GRAPHQL_SCHEMA, doc, body.operationName, body.variables);
  if ('errors' in plan) return refused(plan.errors);
  const requested = requestedCost(plan.fields);
  const maxCost = Math.min(context.maxQueryCost, context.bucket.maximumAvailable);
  if (requested > maxCost) {
    const errors = [{ message: maxCostMessage(requested, maxCost), extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost } }];
    return { answer: answer(200, { errors }, requested, null), requestedCost: requested, actualCost: null, throttled: false };
  }
  if (!context.bucket.charge(requested)) {
    const errors = [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }];
    return { answer: answer(context.throttledStatus, { errors }, requested, null), requestedCost: requested, actualCost: null, throttled: true };
  }
  const result = execute(plan.fields, context.resolve);
  context.bucket.refund(Math.max(0, requested - result.actualCost));
  const payload = result.errors.length > 0 ? { data: result.data, errors: result.errors } : { data: result.data };
  return { answer: answer(200, payload, requested, result.actualCost, result.searches), requestedCost: requested, actualCost: result.actualCost, throttled: false };
}
