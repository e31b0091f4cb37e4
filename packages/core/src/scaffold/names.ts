import { SCAFFOLD_NAME_INVALID } from '../errors/index.js';

/**
 * A connector name is the plugin's namespace and the suffix of its npm name, so it obeys both
 * rules: the namespace pattern of the plugin contract (connector/check-plugin-shape.ts) is the
 * narrower one.
 */
const CONNECTOR_NAME = /^[a-z][a-z0-9-]*$/;

/** Every spelling of a connector's name that a scaffold writes. */
export interface ConnectorNames {
  /** `acme-pos`: the namespace in YAML (`acme-pos/default`). */
  readonly namespace: string;
  /** `connectd-connector-acme-pos`: the npm name docs/plugins.md asks for. */
  readonly packageName: string;
  /** `acmePos`: the prefix of TypeScript constants. */
  readonly identifier: string;
  /** `AcmePos`: the prefix of TypeScript types and factory names. */
  readonly typeName: string;
  /** `ACME_POS`: the prefix of environment variables. */
  readonly envPrefix: string;
}

/**
 * Spells a connector name every way the scaffold needs it.
 * @throws CONNECTD_ERR_SCAFFOLD_NAME_INVALID when the name is not lower-case letters, digits and dashes
 * @example
 * connectorNames('acme-pos').packageName; // 'connectd-connector-acme-pos'
 */
export function connectorNames(name: string): ConnectorNames {
  if (!CONNECTOR_NAME.test(name) || name.endsWith('-') || name.includes('--')) throw SCAFFOLD_NAME_INVALID({ name, pattern: CONNECTOR_NAME.source });
  const words = name.split('-');
  const typeName = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return {
    namespace: name,
    packageName: `connectd-connector-${name}`,
    identifier: typeName[0]!.toLowerCase() + typeName.slice(1),
    typeName,
    envPrefix: words.join('_').toUpperCase(),
  };
}
