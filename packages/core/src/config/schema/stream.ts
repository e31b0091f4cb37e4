/** Requests and streams: scheduled, paginated reads mapped onto entities. */
import { anyObject, mapOf, scalar, Type, words } from '../../json-schema/index.js';
import { slot, Cron, Description, Jsonata, NonNegativeInt, SnakeName } from './parts.js';

export const RequestSchema = Type.Object(
  {
    method: Type.Optional(words(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], { description: 'Default GET for streams, POST for actions.' })),
    path: Type.String({ minLength: 1, description: 'Appended to base_url; may hold {placeholders}.' }),
    query: Type.Optional(mapOf(scalar())),
    headers: Type.Optional(mapOf(Type.String())),
    body: Type.Optional(
      Type.Unsafe<string | Readonly<Record<string, unknown>> | readonly unknown[]>({
        type: ['string', 'object', 'array'],
        description: 'JSON body: a literal, or a JSONata expression string.',
      }),
    ),
    idempotent: Type.Optional(
      Type.Boolean({
        description:
          'Whether a failed attempt may be sent again. Default: true for streams (they only read, even with POST, as search endpoints want); for actions, true for GET, HEAD, PUT and DELETE.',
      }),
    ),
    graphql: Type.Optional(
      Type.Object({ query: Type.String({ minLength: 1 }), variables: Type.Optional(anyObject()) }, { additionalProperties: false }),
    ),
  },
  { title: 'Request', additionalProperties: false },
);

export const IncrementalSchema = Type.Object(
  {
    cursor_field: Type.String({ minLength: 1, description: 'Record field whose highest value is checkpointed, e.g. updated_at.' }),
    param: Type.Optional(Type.String({ minLength: 1, description: 'Query parameter that sends the checkpoint (when in: query).' })),
    in: Type.Optional(words(['query', 'body', 'graphql_variable'], { description: 'Where the checkpoint is sent (default query).' })),
    variable: Type.Optional(Type.String({ minLength: 1, description: 'GraphQL variable (when in: graphql_variable).' })),
    body_path: Type.Optional(Type.String({ minLength: 1, description: 'Where in the JSON body (when in: body).' })),
    lookback_seconds: Type.Optional(NonNegativeInt('Re-read this far behind the checkpoint to catch late writes (default 0).')),
    initial: Type.Optional(Type.String({ description: 'Value used before the first checkpoint, e.g. 1970-01-01T00:00:00Z.' })),
    format: Type.Optional(
      Type.String({
        pattern: '\\{value\\}',
        patternErrorMessage: 'must hold {value}, where the start goes',
        description: "How the start is written where it goes, e.g. \"updated_at:>'{value}'\" for a search query variable (default the start itself).",
      }),
    ),
  },
  {
    title: 'Incremental sync',
    additionalProperties: false,
    allOf: [
      { if: { properties: { in: { const: 'graphql_variable' } }, required: ['in'] }, then: { required: ['variable'] } },
      { if: { properties: { in: { const: 'body' } }, required: ['in'] }, then: { required: ['body_path'] } },
      { if: { properties: { in: { const: 'query' } } }, then: { required: ['param'] } },
    ],
  },
);

export const PaginationSchema = (description?: string) =>
  slot('paginators', {
    title: 'Pagination',
    description: description ?? 'none, link_header, cursor, offset, page, or a plugin type.',
  });

/** One entity a record (or event) writes: a stream or webhook event may declare several, written in one transaction. */
export const OutputSchema = Type.Object(
  {
    description: Type.Optional(Description),
    entity: Type.String({ ...SnakeName, description: 'The entity this output writes, e.g. transaction.' }),
    records: Type.Optional(
      Type.String({
        ...Jsonata,
        description: 'Where in each record the items of this output are, e.g. line_items (default: the record itself). The record is bound as $parent.',
      }),
    ),
    map: Type.Optional(Type.String({ ...Jsonata, description: 'JSONata from one item to one entity (or a list of them; default: the item as is).' })),
  },
  { title: 'Output', additionalProperties: false },
);

export const OutputsSchema = Type.Array(OutputSchema, {
  minItems: 1,
  description: 'Several entities from each record, e.g. an order and its lines as transactions: all of a record, or none of it, is written.',
});

/** Stream names of the same connector that must have succeeded once on a connection before this stream runs there. */
export const AfterSchema = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  uniqueItems: true,
  description: 'Streams of the same connection that must have succeeded once before this one runs (e.g. inventory after locations and catalog, whose ids it looks up).',
});

/** Walk the stream once per slice of the connection's vendor ids of a kind, each filling `{partition}`. */
export const PartitionSchema = Type.Object(
  {
    by: words(['store', 'product'], { description: 'The vendor ids partitioned over: store (location ids) or product (variant ids), as the streams that write them recorded.' }),
    size: Type.Optional(Type.Integer({ minimum: 1, description: 'Ids per request (default 1), e.g. 10 where the vendor takes at most ten location ids.' })),
  },
  {
    title: 'Partition',
    additionalProperties: false,
    description:
      'For endpoints that read a few locations per request: the run walks once per slice of ids, {partition} filling the request (a list in a JSON body value that is exactly "{partition}", comma-separated elsewhere).',
  },
);

export const StreamSchema = Type.Object(
  {
    description: Type.Optional(Description),
    request: RequestSchema,
    records: Type.Optional(Type.String({ minLength: 1, description: 'Where the records are in each page, e.g. $.stock (default: the body, when it is a list).' })),
    pagination: Type.Optional(PaginationSchema()),
    entity: Type.Optional(Type.String({ ...SnakeName, description: 'The entity records map onto, e.g. inventory_level (or give outputs).' })),
    map: Type.Optional(Type.String({ ...Jsonata, description: 'JSONata from one vendor record to one entity (default: the record as is); with entity only.' })),
    outputs: Type.Optional(OutputsSchema),
    after: Type.Optional(AfterSchema),
    partition: Type.Optional(PartitionSchema),
    schedule: Type.Optional(Type.String({ ...Cron, description: 'When to run, as cron (UTC); without it the stream runs only on demand.' })),
    incremental: Type.Optional(IncrementalSchema),
    error_classifier: Type.Optional(
      slot('errorClassifiers', {
        description: "A plugin component that classifies this stream's responses (e.g. GraphQL 200 with THROTTLED), in place of the connector's error_classifier.",
      }),
    ),
  },
  {
    title: 'Stream',
    additionalProperties: false,
    oneOf: [{ required: ['entity'] }, { required: ['outputs'] }],
    dependencies: { map: ['entity'] },
  },
);
