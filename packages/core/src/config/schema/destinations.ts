/** `destinations:`: the app's endpoints that hear about changes and lifecycle events (issue 15). */
import { Type } from '../../json-schema/index.js';
import { Description, HttpUrl } from './parts.js';

export const DestinationSchema = Type.Object(
  {
    description: Type.Optional(Description),
    url: Type.String({ ...HttpUrl, description: 'The endpoint events are POSTed to (JSON, signed per Standard Webhooks).' }),
    secret: Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
      patternErrorMessage: 'must be a Standard Webhooks secret: "whsec_" followed by base64 (e.g. whsec_$(openssl rand -base64 32))',
      description:
        'Signing secret, "whsec_<base64>" as Standard Webhooks defines it; the key is the base64-decoded part. Write it as ${VAR}: when the variable is not set the daemon starts and the destination stays idle.',
    }),
    events: Type.Array(
      Type.String({
        pattern: '^(\\*|[a-z*][a-z0-9_*]*\\.[a-z_*]+)$',
        patternErrorMessage: 'must be "<entity or kind>.<operation>", * allowed: inventory_level.*, order.created, connection.*, *',
      }),
      {
        minItems: 1,
        uniqueItems: true,
        description:
          'Event types to send, "<entity or kind>.<operation>" with * matching anything: inventory_level.*, order.updated, connection.*, breaker.*, sync.failed, or * for all.',
      },
    ),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'How long one delivery may take before it counts as failed and is retried (default 10000).' })),
    retry_hours: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 168, description: 'How long a failing event is retried, with exponential backoff, before it becomes a dead letter (default 72: 3 days).' }),
    ),
  },
  {
    title: 'Destination',
    description: "One endpoint of the app: every matching change and lifecycle event is queued in a durable outbox and delivered in order per entity key, signed, retried, behind a breaker.",
    additionalProperties: false,
  },
);
