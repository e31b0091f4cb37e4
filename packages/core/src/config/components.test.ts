import { describe, expect, it } from 'vitest';
import { compileComponentSchemas, type ComponentSlot, type ConnectorPlugin, type JsonSchema } from '../connector/index.js';
import { rememberedValidator } from '../json-schema/index.js';
import { validationContext } from '../testing/validation-context.js';
import type { ConfigIssue } from './issues.js';
import { parseConfigText } from './parse.js';
import { SchemaCompiler } from './schema-compiler.js';
import { validateConfig } from './validate.js';

/** Core's built-ins plus plugin components, as the plugin registry would hold them. */
const catalogWith = (components: Partial<Record<ComponentSlot, Record<string, JsonSchema>>>) => validationContext({ components });

const PAGE_CURSOR: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['page_size'],
  properties: { page_size: { type: 'integer', minimum: 1 }, mode: { oneOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'integer' }] } },
};
const CALL_LIMIT: JsonSchema = { type: 'object', required: ['header'], properties: { header: { type: 'string' } } };
const THROTTLE: JsonSchema = { type: 'object', properties: {} };
const KEYED: JsonSchema = {
  type: 'object',
  properties: { credential: { oneOf: [{ type: 'object', required: ['key'], properties: { key: { type: 'string' } } }, { type: 'string' }] } },
};

const catalog = catalogWith({
  paginators: { 'storq/page_cursor': PAGE_CURSOR },
  rateLimitAdapters: { 'shopify/call_limit': CALL_LIMIT },
  errorClassifiers: { 'shopify/graphql_throttle': THROTTLE },
  auth: { 'storq/keyed': KEYED },
});

function issuesOf(body: string): ConfigIssue[] {
  const text = `version: 1
connectors:
  a:
    base_url: https://a.example.com
${body}`;
  const result = validateConfig(parseConfigText(text, 'connectors.yaml', {}), catalog);
  return result.ok ? [] : [...result.issues];
}

const brief = (issues: readonly ConfigIssue[]): string[] =>
  issues.map((i) => `${i.line}:${i.col} ${i.code.replace('CONNECTD_ERR_CONFIG_', '')} ${i.path} ${i.message}${i.suggestion ? ` ~${i.suggestion}` : ''}`);

describe('plugin components through the catalog', () => {
  it('accepts plugin types in every slot with valid options', () => {
    expect(
      brief(
        issuesOf(`    auth: { type: storq/keyed, credential: { key: k } }
    rate_limit: { rate: 5/s, adapter: { type: shopify/call_limit, header: X-Call-Limit } }
    error_classifier: { type: shopify/graphql_throttle }
    pagination: { type: storq/page_cursor, page_size: 50 }
`),
      ),
    ).toEqual([]);
  });

  it("validates options against the plugin's schema, with positions and suggestions", () => {
    expect(
      brief(
        issuesOf(`    pagination:
      type: storq/page_cursor
      page_sise: 0
    rate_limit:
      adapter: { type: shopify/call_limit }
    streams:
      s:
        request: { path: /x }
        entity: store
        pagination: { type: storq/page_cursor, page_size: 0 }
`),
      ),
    ).toEqual([
      '7:7 UNKNOWN_KEY connectors.a.pagination.page_sise unknown key "page_sise" ~page_size',
      '9:7 MISSING_KEY connectors.a.rate_limit.adapter missing required key "header"',
      '14:59 SCHEMA connectors.a.streams.s.pagination.page_size must be >= 1',
    ]);
  });

  it('reports an unknown plugin type with the closest registered id', () => {
    expect(brief(issuesOf('    pagination: { type: storq/page_cursr, page_size: 1 }\n'))).toEqual([
      '5:25 UNKNOWN_TYPE connectors.a.pagination.type unknown pagination type "storq/page_cursr"; known: none, link_header, cursor, offset, page, storq/page_cursor ~storq/page_cursor',
    ]);
  });

  it('reports a type in a slot without built-ins when no plugin provides it', () => {
    expect(brief(issuesOf('    error_classifier: { type: graphql_throttle }\n'))).toEqual([
      '5:31 UNKNOWN_TYPE connectors.a.error_classifier.type unknown error classifier type "graphql_throttle"; known: shopify/graphql_throttle',
    ]);
  });

  it('collapses oneOf cascades into one useful message', () => {
    expect(brief(issuesOf('    pagination: { type: storq/page_cursor, page_size: 1, mode: true }\n'))).toEqual([
      '5:64 SCHEMA connectors.a.pagination.mode must be a string or a whole number',
    ]);
    expect(brief(issuesOf('    pagination: { type: storq/page_cursor, page_size: 1, mode: c }\n'))).toEqual([
      '5:64 SCHEMA connectors.a.pagination.mode must be "a" or "b" or a whole number',
    ]);
    // The value is a mapping, so the mapping branch is the one meant: report its detail only.
    expect(brief(issuesOf('    auth: { type: storq/keyed, credential: {} }\n'))).toEqual([
      '5:32 MISSING_KEY connectors.a.auth.credential missing required key "key"',
    ]);
  });

  it('reports a plugin schema that cannot be compiled as an issue instead of crashing', () => {
    const broken = catalogWith({ paginators: { 'bad/pager': { type: 'no-such-type' } } });
    const text = 'version: 1\nconnectors:\n  a:\n    pagination: { type: bad/pager }\n';
    const result = validateConfig(parseConfigText(text, 'c.yaml', {}), broken);
    expect(result.ok ? [] : result.issues.map((i) => [i.code, i.path])).toEqual([['CONNECTD_ERR_CONFIG_SCHEMA', 'connectors.a.pagination.type']]);
  });

  it('compiles each schema once and reuses it by identity', () => {
    const compiler = new SchemaCompiler();
    expect(compiler.component(PAGE_CURSOR)).toBe(compiler.component(PAGE_CURSOR));
    expect(compiler.core()).toBe(compiler.core());
  });

  it("reuses the validator compiled when the plugin loaded, so two plugins' schemas may share an $id", () => {
    const pluginWith = (namespace: string, schema: JsonSchema) =>
      ({
        meta: { name: `@x/${namespace}`, version: '1.0.0', namespace, engine: '*' },
        paginators: { [`${namespace}/pager`]: { meta: { type: `${namespace}/pager`, schema }, create: () => ({}) } },
      }) as unknown as ConnectorPlugin;
    const first: JsonSchema = { $id: 'pager-options', type: 'object', required: ['size'] };
    const second: JsonSchema = { $id: 'pager-options', type: 'object', required: ['cursor'] };
    expect([...compileComponentSchemas(pluginWith('one', first)), ...compileComponentSchemas(pluginWith('two', second))]).toEqual([]);

    const compiler = new SchemaCompiler();
    expect(compiler.component(first)).toBe(rememberedValidator(first));
    expect([compiler.component(first)({ size: 1 }), compiler.component(second)({ size: 1 }), compiler.component(second)({ cursor: 'c' })]).toEqual([true, false, true]);
  });
});
