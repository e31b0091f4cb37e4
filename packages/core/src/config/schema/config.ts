/** The whole of connectors.yaml: its root, the daemon's server block and custom entities. */
import { anyObject, mapOf, Type } from '../../json-schema/index.js';
import { ConnectorSchema } from './connector.js';
import { DestinationSchema } from './destinations.js';
import { FlowSchema } from './flows.js';
import { Description, HttpUrl, PositiveInt, SnakeName } from './parts.js';

/**
 * `server.retention`: how long finished rows of the engine's tables are kept. The defaults are
 * named constants in retention/ (the layer that uses them); live work is never pruned.
 */
export const RetentionSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Run retention passes (default true). When false nothing is ever deleted.' })),
    interval_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080, description: 'Minutes between passes (default 60). One daemon at a time runs a pass.' })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, description: 'Rows deleted per statement (default 1000): small batches keep each transaction short.' })),
    inbox_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Days a processed or ignored webhook event is kept after it was processed (default 7). Also the deduplication window: a redelivery after it is accepted again.',
      }),
    ),
    jobs_days: Type.Optional(PositiveInt('Days a finished job (succeeded, dead, failed, cancelled) is kept after it finished (default 30).')),
    sync_runs_days: Type.Optional(PositiveInt("Days a finished sync run is kept (default 30); each stream's latest finished and latest succeeded run are always kept.")),
    expired_states_days: Type.Optional(PositiveInt('Days an expired OAuth consent state is kept after it expired (default 1).')),
    replayed_dead_letters_days: Type.Optional(PositiveInt('Days a replayed dead letter is kept after its replay (default 30). Open dead letters are never deleted.')),
    delivered_events_days: Type.Optional(PositiveInt('Days an event delivered to a destination is kept after its delivery (default 7). Pending and dead events are never deleted.')),
    changes_days: Type.Optional(
      PositiveInt('Days a change stays in the change feed (default 30): how far back GET /api/changes can read. A change flows or destinations have not read yet is kept.'),
    ),
  },
  {
    title: 'Retention',
    description: "How long the engine's finished rows are kept: processed webhook events, finished jobs and sync runs, expired OAuth states, replayed dead letters, delivered events, the change feed.",
    additionalProperties: false,
  },
);

export const ServerSchema = Type.Object(
  {
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'Port to listen on (default 3000; 0 picks a free one). PORT in the environment wins.' })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Address to bind (default 0.0.0.0). HOST in the environment wins.' })),
    body_limit_bytes: Type.Optional(
      PositiveInt("Largest webhook body, in bytes, for connectors that set no webhooks.body_limit_bytes of their own (default 1048576)."),
    ),
    public_url: Type.Optional(
      Type.String({
        ...HttpUrl,
        description:
          'The URL browsers and vendors reach this daemon at; OAuth redirect URLs are built from it (default http://localhost:<port>). CONNECTD_PUBLIC_URL in the environment wins.',
      }),
    ),
    retention: Type.Optional(RetentionSchema),
  },
  {
    title: 'HTTP server',
    description: "Settings of the daemon's HTTP server. PORT, HOST and CONNECTD_PUBLIC_URL in the environment, when set, win over port, host and public_url here.",
    additionalProperties: false,
  },
);

export const EntitySchema = Type.Object(
  {
    description: Type.Optional(Description),
    schema: anyObject({ description: 'JSON Schema (type: object) every mapped record must satisfy; failures go to dead letters.' }),
    natural_key: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Fields that identify a row within a tenant, e.g. [member_id].',
    }),
  },
  { title: 'Custom entity', additionalProperties: false },
);

/** The root of connectors.yaml: what the validator checks before each component's own options. */
export const ConnectdConfigSchema = Type.Object(
  {
    version: Type.Literal(1, { title: 'Config format version', description: 'Always 1. Lets later releases migrate old files.' }),
    plugins: Type.Optional(
      Type.Array(
        Type.String({
          pattern: '^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$',
          patternErrorMessage: 'must be an npm package name such as "@connectd/connector-storq"',
        }),
        {
          title: 'Plugins',
          description: 'Connector packages to load, by npm package name. Only these are loaded; their components and presets become usable in this file.',
          uniqueItems: true,
          examples: [['@connectd/connector-storq', '@connectd/connector-square', '@connectd/connector-shopify']],
        },
      ),
    ),
    server: Type.Optional(ServerSchema),
    entities: Type.Optional(
      mapOf(EntitySchema, {
        title: 'Custom entities',
        description: 'Entities beyond the canonical five (store, product, inventory_level, transaction, order). Each gets a table connectd.<name>s.',
        propertyNames: SnakeName,
      }),
    ),
    destinations: Type.Optional(
      mapOf(DestinationSchema, {
        title: 'Destinations',
        description: "The app's endpoints that receive signed events (changes of entities, connection lifecycle). The key (snake_case) names the destination in logs, status and dead letters.",
        propertyNames: SnakeName,
      }),
    ),
    flows: Type.Optional(
      mapOf(FlowSchema, {
        title: 'Flows',
        description: 'Rules that run an action on one connector when an entity changes (a storq stock change sets the Square count). The key (snake_case) names the flow in jobs, logs and dead letters.',
        propertyNames: SnakeName,
      }),
    ),
    connectors: mapOf(ConnectorSchema, {
      title: 'Connectors',
      description: 'One block per vendor integration. The key (snake_case) names it in URLs (/webhooks/<key>), the CLI and the source columns.',
      propertyNames: SnakeName,
    }),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://connectd.dev/schema/connectors.schema.json',
    title: 'connectd configuration',
    description:
      'connectors.yaml: the plugins to load, the canonical entities to add, and one block per connector. Strings may use ${VAR} and ${VAR:-default}; $${ is a literal ${. Reference: docs/config-reference.md.',
    additionalProperties: false,
    patternProperties: { '^x-': { description: 'Extension field, ignored by connectd: a place for YAML anchors shared by connectors.' } },
  },
);
