/** `flows:`: rules that run a declared action on one connector when an entity changes (issue 15). */
import { Type } from '../../json-schema/index.js';
import { Description, SnakeName } from './parts.js';

const Expression = (description: string) => Type.String({ minLength: 1, description });

export const FlowWhenSchema = Type.Object(
  {
    entity: Type.String({ ...SnakeName, description: 'The entity whose changes start the flow (canonical, e.g. inventory_level, or one declared under entities:).' }),
    connector: Type.Optional(Type.String({ ...SnakeName, description: 'Only changes written by this connector (e.g. storq); default any connector.' })),
    filter: Type.Optional(
      Expression(
        'JSONata over the change ({position, entity, key, tenant, connector, connection, operation, changed, before, after, source, at}); the flow runs when it gives true. Default: every change of the entity.',
      ),
    ),
  },
  { title: 'Flow trigger', description: 'Which changes of the change feed start the flow.', additionalProperties: false },
);

export const FlowConnectionSchema = Type.Union(
  [
    Type.Literal('tenant', { description: "The one active connection of then.connector that belongs to the change's tenant (default)." }),
    Type.Object(
      { id: Type.String({ minLength: 1, description: 'The id of the connection every change goes to, whatever its tenant.' }) },
      { additionalProperties: false },
    ),
  ],
  {
    title: 'Target connection',
    description:
      'How the connection the action runs on is chosen: `tenant` (default) is the change tenant\'s one active connection of then.connector (none or several: a dead letter); `{ id: <connection id> }` names one.',
  },
);

export const FlowThenSchema = Type.Object(
  {
    connector: Type.String({ ...SnakeName, description: 'The connector whose action runs (e.g. square).' }),
    action: Type.String({ minLength: 1, description: 'The action of that connector, as declared under its actions: (or its preset).' }),
    connection: Type.Optional(FlowConnectionSchema),
    input: Expression(
      "JSONata over the change giving the action's input object. $flow is {name, position, key} (key: \"<flow>:<position>\", the change's idempotency key) and $vendor_id(kind, key?) the target connector's vendor id of an entity key of the tenant (without key: its only one).",
    ),
  },
  { title: 'Flow action', description: 'The action to run for each matching change, and its input.', additionalProperties: false },
);

export const FlowSchema = Type.Object(
  {
    description: Type.Optional(Description),
    when: FlowWhenSchema,
    then: FlowThenSchema,
  },
  {
    title: 'Flow',
    description:
      'When a change matching `when` is appended to the change feed, run `then.action` on `then.connector` as a durable job, once per change (the flow name and change position are its idempotency key); a vendor refusal (4xx) is a dead letter.',
    additionalProperties: false,
  },
);
