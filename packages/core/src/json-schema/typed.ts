/**
 * Schemas written once, in TypeScript, with their types derived from them (TypeBox): the JSON
 * Schema that validates a config shape and the type the code reads it through cannot drift apart.
 * These helpers keep the emitted JSON in the plain forms ajv reports well (`enum`, one `type` list,
 * `additionalProperties` maps) instead of TypeBox's `anyOf` unions.
 */
import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
export type { TUnsafe };
import { COMPONENT_SLOT_KEYWORD } from './ajv.js';

export { Type };
export type { Static, TSchema };

/**
 * One of a fixed list of words, as `enum` (ajv then says "must be one of …" and suggests the closest).
 * @example
 * const Encoding = words(['hex', 'base64'], { description: 'Default hex.' }); // Static: 'hex' | 'base64'
 */
export function words<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, enum: [...values] });
}

/**
 * A mapping of free keys to values of one schema (`additionalProperties: value`).
 * @example
 * const Headers = mapOf(Type.String()); // Static: Readonly<Record<string, string>>
 */
export function mapOf<T extends TSchema>(value: T, options: SchemaOptions = {}): TUnsafe<Readonly<Record<string, Static<T>>>> {
  return Type.Unsafe<Readonly<Record<string, Static<T>>>>({ ...options, type: 'object', additionalProperties: value });
}

/** A string, number or boolean: what a query parameter or placeholder may hold. */
export function scalar(options: SchemaOptions = {}): TUnsafe<string | number | boolean> {
  return Type.Unsafe<string | number | boolean>({ ...options, type: ['string', 'number', 'boolean'] });
}

/**
 * A list of strings, or one string (split by the reader): `scopes: [a, b]` or `scopes: "a b"`.
 * @example
 * const Scopes = listOrString({ minLength: 1 });
 */
export function listOrString(item: SchemaOptions = {}, options: SchemaOptions = {}): TUnsafe<readonly string[] | string> {
  return Type.Unsafe<readonly string[] | string>({ ...options, type: ['array', 'string'], items: { ...item, type: 'string' } });
}

/** A JSON object whose content another schema (or nobody) describes: a JSON Schema, GraphQL variables. */
export function anyObject(options: SchemaOptions = {}): TUnsafe<Readonly<Record<string, unknown>>> {
  return Type.Unsafe<Readonly<Record<string, unknown>>>({ ...options, type: 'object' });
}

/** What a component slot holds: `type` picks the component, the other keys are its options. */
export interface ComponentUseShape {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * A component slot: `type` picks a registered component (core's or a plugin's) and the other keys
 * are its options, validated by that component's own schema. The slot keyword marks the place for
 * the validator (which component to check) and for the editor schema (which options to offer).
 * @example
 * const Verify = componentSlot('webhookVerifiers', { description: 'hmac, or a plugin type.' });
 */
export function componentSlot(slot: string, annotations: SchemaOptions): TUnsafe<ComponentUseShape> {
  return Type.Unsafe<ComponentUseShape>({
    ...annotations,
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', minLength: 1 } },
    [COMPONENT_SLOT_KEYWORD]: slot,
  });
}

/** Makes every property and item of a derived type read-only, as config is never changed after load. */
export type Frozen<T> = T extends (infer U)[]
  ? ReadonlyArray<Frozen<U>>
  : T extends readonly (infer U)[]
    ? ReadonlyArray<Frozen<U>>
    : T extends object
      ? { readonly [K in keyof T]: Frozen<T[K]> }
      : T;
