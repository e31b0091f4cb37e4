import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileComponentSchemas } from '../connector/compile-schemas.js';
import { BUILTIN_AUTH } from './index.js';

const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/connectors.schema.json'), 'utf8')) as {
  definitions: Record<string, { properties: Record<string, unknown>; required?: string[] }>;
};

describe('BUILTIN_AUTH', () => {
  it('registers api_key, bearer, basic and oauth2 under bare ids matching their meta.type', () => {
    expect(Object.keys(BUILTIN_AUTH)).toEqual(['api_key', 'bearer', 'basic', 'oauth2']);
    for (const [id, definition] of Object.entries(BUILTIN_AUTH)) expect(definition.meta.type).toBe(id);
  });

  it('has option schemas that compile under the strict plugin-schema rules', () => {
    const meta = { name: '@connectd/core', version: '0.1.0', namespace: 'core', engine: '*' };
    expect(compileComponentSchemas({ meta, auth: BUILTIN_AUTH })).toEqual([]);
  });

  it('mirrors the shipped config schema: same option names and required options', () => {
    for (const [id, definition] of Object.entries(BUILTIN_AUTH)) {
      const definitionInConfig = shipped.definitions[`auth_${id}`]!;
      const own = definition.meta.schema as { properties: Record<string, unknown>; required?: string[] };
      const configOptions = Object.keys(definitionInConfig.properties).filter((k) => k !== 'type');
      expect(Object.keys(own.properties).sort(), id).toEqual(configOptions.sort());
      expect(own.required ?? [], id).toEqual(definitionInConfig.required ?? []);
    }
  });
});
