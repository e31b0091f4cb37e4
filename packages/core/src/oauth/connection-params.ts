import type { OAuth2Options } from '../auth/index.js';

// The connection parameters a connector declares under `auth.params` (Shopify's `shop`): the only
// values a start link may bring into a connection's config, and so into the OAuth URLs the client
// secret is sent to and the API base URL its tokens are sent to. Each is normalised and matched
// here, before the state is stored, before any redirect and before any outbound call.

/** Why a connection parameter was refused: its name and the rule, never its value. */
export interface ParamRefusal {
  readonly parameter: string;
  readonly reason: string;
}

/** One declared parameter, compiled. */
interface ParamRule {
  readonly name: string;
  readonly pattern: RegExp;
  /** The pattern as declared, for messages: it is config, not input. */
  readonly source: string;
  readonly lowercase: boolean;
  readonly required: boolean;
}

/** A connector's declared connection parameters (`auth.params`), compiled once at load. */
export interface ConnectionParams {
  /** The declared names, in declaration order. */
  readonly names: readonly string[];
  /** Whether `name` is declared. */
  declares(name: string): boolean;
  /** The value as it is checked and stored: lower-cased when the parameter says so. */
  normalise(name: string, value: string): string;
  /**
   * Checks the parameters of a start request: each must be declared and, once normalised, match
   * its pattern. Resolves the normalised values, or the first refusal. Required ones are checked by
   * {@link ConnectionParams.complete}, on the config the flow will use.
   */
  accept(given: Readonly<Record<string, string>>): { readonly values: Readonly<Record<string, string>> } | ParamRefusal;
  /**
   * Checks the config a flow will use (the start request's values over a reconnected connection's
   * stored ones): every required parameter present, every declared one present a matching string.
   * Resolves that config with the declared values normalised, or the first refusal.
   */
  complete(config: Readonly<Record<string, unknown>>): { readonly config: Readonly<Record<string, unknown>> } | ParamRefusal;
  /**
   * The first declared parameter of an OAuth callback's query whose value (normalised) differs from
   * the one the flow was started with, or is given more than once; undefined when all agree.
   */
  mismatchIn(query: URLSearchParams, config: Readonly<Record<string, unknown>>): ParamRefusal | undefined;
}

type ParamsOption = NonNullable<OAuth2Options['params']>;

/**
 * Compiles `auth.params`. Patterns are anchored (the whole value must match) and compiled with the
 * `u` flag, as the config schema's `format: regex` checked them; undefined when none are declared.
 * @example
 * const params = compileConnectionParams({ shop: { pattern: '^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$', lowercase: true, required: true } });
 * params?.accept({ shop: 'Acme.myshopify.com' }); // { values: { shop: 'acme.myshopify.com' } }
 * params?.accept({ shop: 'evil.example:443' });   // { parameter: 'shop', reason: 'does not match auth.params.shop.pattern (…)' }
 */
export function compileConnectionParams(declared: ParamsOption | undefined): ConnectionParams | undefined {
  if (declared === undefined) return undefined;
  const rules = new Map<string, ParamRule>(
    Object.entries(declared).map(([name, rule]) => [
      name,
      {
        name,
        pattern: new RegExp(`^(?:${rule.pattern})$`, 'u'),
        source: rule.pattern,
        lowercase: rule.lowercase ?? false,
        required: rule.required ?? false,
      },
    ]),
  );
  const names = [...rules.keys()];
  const normalise = (name: string, value: string): string => (rules.get(name)?.lowercase === true ? value.toLowerCase() : value);
  const mismatch = (rule: ParamRule): ParamRefusal => ({ parameter: rule.name, reason: `does not match auth.params.${rule.name}.pattern (${rule.source})` });

  return {
    names,
    declares: (name) => rules.has(name),
    normalise,
    accept(given) {
      const values: Record<string, string> = {};
      for (const [name, value] of Object.entries(given)) {
        const rule = rules.get(name);
        if (rule === undefined) {
          return { parameter: name, reason: `is not a connection parameter of this connector (auth.params declares ${names.join(', ') || 'none'})` };
        }
        const normalised = normalise(name, value);
        if (!rule.pattern.test(normalised)) return mismatch(rule);
        values[name] = normalised;
      }
      return { values };
    },
    complete(config) {
      const completed: Record<string, unknown> = { ...config };
      for (const rule of rules.values()) {
        const value = config[rule.name];
        if (value === undefined || value === null || value === '') {
          if (rule.required) return { parameter: rule.name, reason: `is required (auth.params.${rule.name}.required)` };
          delete completed[rule.name];
          continue;
        }
        // A reconnected connection's stored value is checked again: it may predate the rule.
        if (typeof value !== 'string') return mismatch(rule);
        const normalised = normalise(rule.name, value);
        if (!rule.pattern.test(normalised)) return mismatch(rule);
        completed[rule.name] = normalised;
      }
      return { config: completed };
    },
    mismatchIn(query, config) {
      for (const rule of rules.values()) {
        const given = query.getAll(rule.name);
        if (given.length === 0) continue;
        if (given.length > 1) return { parameter: rule.name, reason: 'is given more than once' };
        if (normalise(rule.name, given[0]!) !== config[rule.name]) {
          return { parameter: rule.name, reason: 'differs from the value the flow was started with' };
        }
      }
      return undefined;
    },
  };
}
