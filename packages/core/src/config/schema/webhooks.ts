/** Webhook intake and the mapping of its events. */
import { mapOf, Type } from '../../json-schema/index.js';
import { slot, Description, HeaderOrBodyPath, Jsonata, PositiveInt, SnakeName } from './parts.js';

export const WebhookEventSchema = Type.Object(
  {
    description: Type.Optional(Description),
    entity: SnakeName,
    map: Type.Optional(Jsonata),
    records: Type.Optional(
      Type.String({ minLength: 1, description: 'Where the records are in the event when it carries several, e.g. $.data.object.inventory_counts.' }),
    ),
  },
  { additionalProperties: false },
);

export const WebhooksSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/', patternErrorMessage: 'must start with /', description: 'Extra route besides /webhooks/<connector>.' })),
    body_limit_bytes: Type.Optional(PositiveInt('Largest body accepted (default 1048576).')),
    verify: slot('webhookVerifiers', { title: 'Signature verification', description: 'hmac, or a plugin type.' }),
    event_id: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Dedupe key: header:<Name> or a body path such as $.id.' })),
    event_type: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Event type: header:<Name> or a body path such as $.type.' })),
    route: Type.Optional(Type.String({ ...HeaderOrBodyPath, description: 'Finds the connection: header:<Name> or a body path such as $.merchant_id.' })),
    events: mapOf(WebhookEventSchema, { minProperties: 1, description: 'Event type → entity and mapping; other event types are acknowledged and ignored.' }),
  },
  {
    title: 'Webhooks',
    description: 'Intake at POST /webhooks/<connector>: raw body, signature check, inbox row, then 2xx.',
    additionalProperties: false,
  },
);
