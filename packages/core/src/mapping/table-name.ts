/**
 * Table names for custom entities: the plural of the snake_case name, pluralising the last word
 * only (`gift_card` → `gift_cards`, `category` → `categories`, `box` → `boxes`). English plurals
 * are irregular; these rules cover regular nouns, and an integrator who dislikes the result picks
 * another entity name.
 */

/** Longest Postgres identifier (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/** The snake_case names entities may have; they become SQL identifiers, so nothing else passes. */
export const ENTITY_NAME_PATTERN: RegExp = /^[a-z][a-z0-9_]*$/;

/**
 * The plural snake_case table name of an entity name.
 * @example
 * tableNameOf('loyalty_member'); // 'loyalty_members'
 * tableNameOf('category');       // 'categories'
 */
export function tableNameOf(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}
