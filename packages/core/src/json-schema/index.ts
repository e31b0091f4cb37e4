/**
 * json-schema/: how connectd writes and compiles JSON Schemas, in one place. A leaf: config,
 * connector, mapping, actions and the built-in components compile and type their schemas with it.
 */
export { ajvByDialect, ANNOTATION_KEYWORDS, COMPONENT_SLOT_KEYWORD, createAjv, dialectOf } from './ajv.js';
export type { SchemaDialect } from './ajv.js';
export { rememberedValidator, rememberValidator } from './remembered-validators.js';
export { anyObject, componentSlot, listOrString, mapOf, scalar, Type, words } from './typed.js';
export type { ComponentUseShape, Frozen, Static, TSchema, TUnsafe } from './typed.js';
