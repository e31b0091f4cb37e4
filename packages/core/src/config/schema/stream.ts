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

export const StreamSchema = Type.Object(
  {
    description: Type.Optional(Description),
    request: RequestSchema,
    records: Type.Optional(Type.String({ minLength: 1, description: 'Where the records are in each page, e.g. $.stock (default: the body, when it is a list).' })),
    pagination: Type.Optional(PaginationSchema()),
    entity: Type.String({ ...SnakeName, description: 'The entity records map onto, e.g. inventory_level.' }),
    map: Type.Optional(Type.String({ ...Jsonata, description: 'JSONata from one vendor record to one entity (default: the record as is).' })),
    schedule: Type.Optional(Type.String({ ...Cron, description: 'When to run, as cron (UTC); without it the stream runs only on demand.' })),
    incremental: Type.Optional(IncrementalSchema),
    error_classifier: Type.Optional(slot('errorClassifiers', { description: 'A plugin component that classifies responses of this stream (e.g. GraphQL 200 with THROTTLED).' })),
  },
  { title: 'Stream', additionalProperties: false },
);
