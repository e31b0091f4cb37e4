/** Webhook intake and the mapping of its events. */
import { mapOf, Type, words } from '../../json-schema/index.js';
import { slot, Description, HeaderOrBodyPath, Jsonata, PositiveInt, SnakeName } from './parts.js';
import { OutputsSchema, RequestSchema } from './stream.js';

/** A request made for an event that carries only a summary, through the connection's HTTP runtime. */
export const WebhookFetchSchema = Type.Object(
  {
    request: RequestSchema,
    params: Type.Optional(
      mapOf(Type.String({ ...Jsonata, description: 'JSONata over the event, e.g. $.data.id.' }), {
        description: "Fills the request's {placeholders} from the event, e.g. order_id: $.data.object.order_updated.order_id.",
      }),
    ),
  },
  {
    title: 'Follow-up fetch',
    additionalProperties: false,
    description: "Fetches the full object before mapping (the event carries only a summary); records and map then read the vendor's answer.",
  },
);

export const WebhookEventSchema = Type.Object(
  {
    description: Type.Optional(Description),
    entity: Type.Optional(Type.String({ ...SnakeName, description: 'The entity the event maps onto (or give outputs, run_stream, mark_connection, erase_connection_data or record).' })),
    map: Type.Optional(Type.String({ ...Jsonata, description: 'JSONata from one record to one entity (default: the record as is); with entity only.' })),
    records: Type.Optional(
      Type.String({ minLength: 1, description: 'Where the records are in the event (or in the fetched answer) when it carries several, e.g. $.data.object.inventory_counts.' }),
    ),
    outputs: Type.Optional(OutputsSchema),
    fetch: Type.Optional(WebhookFetchSchema),
    run_stream: Type.Optional(
      Type.String({ minLength: 1, description: "Runs this stream of the event's connection (incrementally) instead of mapping the event; one queued run at a time." }),
    ),
    mark_connection: Type.Optional(
      words(['needs_reauth', 'disabled'], {
        description:
          "Marks the event's connection: needs_reauth when the vendor says the account revoked access; disabled when the app was uninstalled (its stored tokens are deleted, being void).",
      }),
    ),
    erase_connection_data: Type.Optional(
      Type.Literal(true, { description: "Deletes every row the event's connection wrote to connectd.* (a shop's data-erasure request), logged with the count." }),
    ),
    record: Type.Optional(
      Type.String({ minLength: 1, description: 'Keeps the event in the inbox and logs it with this note, nothing else (a request the app fulfils, e.g. customers/data_request).' }),
    ),
  },
  {
    additionalProperties: false,
    oneOf: [
      { required: ['entity'] },
      { required: ['outputs'] },
      { required: ['run_stream'] },
      { required: ['mark_connection'] },
      { required: ['erase_connection_data'] },
      { required: ['record'] },
    ],
    dependencies: { map: ['entity'], fetch: { anyOf: [{ required: ['entity'] }, { required: ['outputs'] }] } },
  },
);

export const WebhooksSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/', patternErrorMessage: 'must start with /', description: 'Extra route besides /webhooks/<connector>.' })),
    body_limit_bytes: Type.Optional(PositiveInt('Largest body accepted (default server.body_limit_bytes, else 1048576).')),
    verify: slot('webhookVerifiers', { title: 'Signature verification', description: 'hmac, or a plugin type.' }),
    event_id: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Dedupe key: header:<Name> or a body path such as $.id.' })),
    event_type: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Event type: header:<Name> or a body path such as $.type.' })),
    route: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Finds the connection: header:<Name> or a body path such as $.merchant_id.' })),
    events: mapOf(WebhookEventSchema, {
      minProperties: 1,
      description: 'Event type → what it does (map onto entities, run a stream, mark the connection); other event types are acknowledged and ignored.',
    }),
  },
  {
    title: 'Webhooks',
    description: 'Intake at POST /webhooks/<connector>: raw body, signature check, inbox row, then 2xx.',
    additionalProperties: false,
  },
);
