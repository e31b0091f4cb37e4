import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerAuth } from '../auth/index.js';
import { defineAuth, definePaginator } from '../connector/index.js';
import { CONFIG_SCHEMA } from '../errors/index.js';
import { hmacVerifier } from '../webhooks/index.js';
import { CasesFailed } from './case-failures.js';
import { testComponent } from './test-component.js';

const rawBody = Buffer.from('{"type":"stock.updated"}');
const sign = (secret: string): string => createHmac('sha256', secret).update(rawBody).digest('hex');

/** An auth component of a plugin: a token in a header; `create` refuses a header that cannot carry one. */
const headerToken = defineAuth<{ header: string; token: string }>({
  meta: {
    type: 'header_token',
    description: 'Sends a token in a named header',
    schema: { type: 'object', required: ['header', 'token'], additionalProperties: false, properties: { header: { type: 'string' }, token: { type: 'string' } } },
  },
  create(options) {
    if (options.header.toLowerCase() === 'host') throw CONFIG_SCHEMA({ path: 'header', detail: 'the token cannot travel in Host' });
    if (options.header === '') throw new Error('plain failure');
    return { authorize: async (request) => ({ ...request, headers: { ...request.headers, [options.header]: options.token } }) };
  },
});

const caught = async (run: () => Promise<unknown>): Promise<CasesFailed> => {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CasesFailed);
  return err as CasesFailed;
};

describe('testComponent', () => {
  it('runs valid options through the schema and create() with a real context, and refused ones against the schema', async () => {
    const report = await testComponent(hmacVerifier, {
      valid: [
        {
          name: 'one secret',
          options: { header: 'X-Sig', secret: 'whsec' },
          check: (runtime) => expect(runtime.verify({ rawBody, headers: { 'x-sig': sign('whsec') }, url: 'http://127.0.0.1/' })).toEqual({ ok: true }),
        },
        {
          name: 'an empty secret fails closed and says so in the log',
          options: { header: 'X-Sig', secret: '' },
          check: (runtime, ctx) => {
            expect(runtime.verify({ rawBody, headers: { 'x-sig': sign('') }, url: 'http://127.0.0.1/' })).toEqual({ ok: false, reason: 'no_secret' });
            expect(ctx.logs.map((line) => line.msg)).toEqual([expect.stringContaining('has no secret')]);
          },
        },
      ],
      invalid: [
        { name: 'no secret at all', options: { header: 'X-Sig' }, error: 'must match exactly one schema in oneOf' },
        { options: { header: 'X-Sig', secret: 's', colour: 'blue' }, error: /additional properties \(colour\)/ },
      ],
    });
    expect(report).toEqual({ valid: 2, invalid: 2 });
  });

  it('hands create() the connection, token provider and clock of the context option', async () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const tokens = { getAccessToken: async () => 'at-1', refresh: async () => 'at-2' };
    const seen = definePaginator<Record<string, never>>({
      meta: { type: 'seen', description: 'Records its context', schema: { type: 'object', additionalProperties: false } },
      create: (_options, ctx) => ({ next: () => null, pageSize: ctx.now().getTime(), ...{ tenant: ctx.connection?.tenant, tokens: ctx.tokens } }),
    });
    await testComponent(seen, {
      context: { connection: { id: 'main', tenant: 'acme', config: {} }, tokens, now: () => now },
      valid: [{ options: {}, check: (runtime, ctx) => expect([runtime.pageSize, runtime, ctx.signal.aborted]).toEqual([now.getTime(), expect.objectContaining({ tenant: 'acme', tokens }), false]) }],
    });
  });

  it('accepts a refusal by create() with a coded error, matched by code', async () => {
    expect(await testComponent(headerToken, { invalid: [{ options: { header: 'Host', token: 't' }, error: 'CONNECTD_ERR_CONFIG_SCHEMA' }] })).toEqual({ valid: 0, invalid: 1 });
  });

  it('runs every case and throws one error listing each failure with what was expected and what came', async () => {
    const err = await caught(() =>
      testComponent(headerToken, {
        valid: [
          { name: 'fine', options: { header: 'X-Token', token: 't' } },
          { name: 'misspelt key', options: { header: 'X-Token', tokn: 't' } },
          { name: 'check fails', options: { header: 'X-Token', token: 't' }, check: () => expect(1).toBe(2) },
        ],
        invalid: [
          { name: 'accepted after all', options: { header: 'X-Token', token: 't' } },
          { name: 'uncoded', options: { header: '', token: 't' } },
          { name: 'other text', options: { token: 't' }, error: 'must be string' },
        ],
      }),
    );
    expect(err.failures.map((f) => f.label)).toEqual(['valid[1] "misspelt key"', 'valid[2] "check fails"', 'invalid[0] "accepted after all"', 'invalid[1] "uncoded"', 'invalid[2] "other text"']);
    expect(err.message).toMatch(/^testComponent\(header_token\): 5 failed\n/);
    expect(err.failures[0]!.message).toBe("the options fail the schema: must have required property 'token'; must NOT have additional properties (tokn)");
    expect(err.failures[1]!.message).toContain('expected 1 to be 2');
    expect(err.failures[2]!.message).toBe('expected the options to be refused, but they pass the schema and create() returned a runtime');
    expect(err.failures[3]!.message).toBe('the options pass the schema and create() threw an error without a code (throw a coded error): plain failure');
    expect(err.failures[4]!.message).toBe(`the schema refused the options with "must have required property 'header'", not matching must be string`);
  });

  it('fails on an options schema the plugin loader would not compile (a misspelt keyword)', async () => {
    const broken = { ...bearerAuth, meta: { ...bearerAuth.meta, schema: { type: 'object', requried: ['token'] } } };
    const err = await caught(() => testComponent(broken, { valid: [{ options: { token: 't' } }] }));
    expect(err.failures).toEqual([{ label: 'meta.schema', message: expect.stringContaining('unknown keyword: "requried"') }]);
  });
});
