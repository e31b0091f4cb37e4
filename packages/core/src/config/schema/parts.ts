/** Schema fragments shared by the shapes of connectors.yaml. */
import type { ComponentSlot, ComponentUse } from '../../connector/index.js';
import { componentSlot, Type, type TUnsafe } from '../../json-schema/index.js';

export const SnakeName = Type.String({
  pattern: '^[a-z][a-z0-9_]*$',
  patternErrorMessage: 'must be snake_case: a lower-case letter, then lower-case letters, digits or _',
});

export const HttpUrl = Type.String({
  pattern: '^https?://\\S+$',
  patternErrorMessage: 'must be an http:// or https:// URL (placeholders such as {shop} are allowed)',
});

export const Jsonata = Type.String({ minLength: 1, description: 'A JSONata expression, evaluated against the record (or event, or action input).' });

export const HeaderOrBodyPath = Type.String({
  pattern: '^(header:[A-Za-z0-9_-]+|\\$.*)$',
  patternErrorMessage: 'must be "header:<Header-Name>" or a body path such as "$.id"',
});

export const Cron = Type.String({
  pattern: '^\\s*\\S+(\\s+\\S+){4,5}\\s*$',
  patternErrorMessage: 'must be a cron expression with 5 fields (or 6 with seconds first), e.g. "*/5 * * * *"',
});

export const PositiveInt = (description?: string) => Type.Integer({ minimum: 1, ...(description === undefined ? {} : { description }) });
export const NonNegativeInt = (description?: string) => Type.Integer({ minimum: 0, ...(description === undefined ? {} : { description }) });

/** Free text for people reading the file. */
export const Description = Type.String({ description: 'Free text for people reading the file.' });

/**
 * A component slot of connectors.yaml (see `componentSlot` in json-schema/), typed by slot name.
 * @example
 * const Auth = slot('auth', { title: 'Authentication', description: '…' });
 */
export function slot(name: ComponentSlot, annotations: { readonly title?: string; readonly description: string }): TUnsafe<ComponentUse> {
  return componentSlot(name, annotations);
}
