/** One connector: a vendor integration and everything it declares. */
import { mapOf, scalar, Type } from '../../json-schema/index.js';
import { ActionSchema } from './action.js';
import { slot, Description, HttpUrl, SnakeName } from './parts.js';
import { BreakerSchema, RateLimitSchema, RetrySchema, TimeoutsSchema } from './policies.js';
import { PaginationSchema, StreamSchema } from './stream.js';
import { WebhooksSchema } from './webhooks.js';

const PRESET_ID = {
  pattern: '^[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_-]*$',
  patternErrorMessage: 'must be <namespace>/<preset>, e.g. "storq/default"',
};

export const ConnectionSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', patternErrorMessage: 'must be letters, digits, _, . or -', description: 'Stable id of this connection.' }),
    tenant: Type.String({ minLength: 1, description: 'The tenant the data belongs to.' }),
    name: Type.Optional(Type.String()),
    config: Type.Optional(
      mapOf(scalar(), { description: "Per-connection settings handed to the connector's components, e.g. its API key (use ${VAR})." }),
    ),
  },
  { additionalProperties: false },
);

export const ConnectorSchema = Type.Object(
  {
    description: Type.Optional(Description),
    optional: Type.Optional(
      Type.Boolean({ description: 'When true, missing environment variables make this connector idle instead of making the config invalid.' }),
    ),
    extends: Type.Optional(
      Type.Unsafe<string | readonly string[]>({
        type: ['string', 'array'],
        description: "Preset(s) from plugins, <namespace>/<name>; this block's own keys win over the preset's.",
        ...PRESET_ID,
        items: { type: 'string', ...PRESET_ID },
      }),
    ),
    base_url: Type.Optional(
      Type.String({ ...HttpUrl, description: 'Origin and base path of the vendor API; request paths are appended to it. May hold {placeholders}.' }),
    ),
    vars: Type.Optional(mapOf(scalar(), { description: 'Values for {name} placeholders in URLs and paths, after those the connection provides (e.g. {version}).' })),
    headers: Type.Optional(mapOf(Type.String(), { description: 'Headers sent with every request of this connector.' })),
    auth: Type.Optional(
      slot('auth', { title: 'Authentication', description: 'How requests are authorised: api_key, bearer, basic, oauth2, or a plugin type.' }),
    ),
    rate_limit: Type.Optional(RateLimitSchema),
    retry: Type.Optional(RetrySchema),
    breaker: Type.Optional(BreakerSchema),
    timeouts: Type.Optional(TimeoutsSchema),
    pagination: Type.Optional(PaginationSchema('Default pagination for every stream of this connector.')),
    error_classifier: Type.Optional(
      slot('errorClassifiers', { description: 'A plugin component that classifies responses (e.g. GraphQL 200 with THROTTLED).' }),
    ),
    connections: Type.Optional(
      Type.Array(ConnectionSchema, {
        title: 'Connections declared in YAML',
        description:
          "Vendor accounts with API-key style credentials. Without this list the connector has one implicit connection named after it; an empty list declares none (connections then come from POST /api/connections). OAuth connections are created through a connect session's link instead (connectd connect, POST /api/connect-sessions).",
      }),
    ),
    streams: Type.Optional(
      mapOf(StreamSchema, { title: 'Streams', description: 'Scheduled, paginated reads mapped onto entities.', propertyNames: SnakeName }),
    ),
    webhooks: Type.Optional(WebhooksSchema),
    actions: Type.Optional(
      mapOf(ActionSchema, {
        title: 'Actions',
        description: 'Outbound operations (e.g. create an order), run through the API or `connectd action`.',
        propertyNames: SnakeName,
      }),
    ),
  },
  { title: 'Connector', additionalProperties: false },
);
