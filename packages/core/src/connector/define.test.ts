// Type-level checks run under `tsc -p tsconfig.spec.json` (the typecheck script); the runtime
// assertions run under vitest. Both matter: the helpers are identity functions that exist for types.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AuthRuntime, ComponentContext, ComponentDefinition, PaginatorRuntime } from './contract.js';
import {
  defineAuth,
  defineComponent,
  defineConnector,
  defineErrorClassifier,
  definePaginator,
  defineRateLimitAdapter,
  defineWebhookVerifier,
} from './define.js';
import { checkPluginShape } from './check-plugin-shape.js';

const meta = { name: 'connectd-connector-acme', version: '1.0.0', namespace: 'acme', engine: '^0.1.0' } as const;

describe('define helpers', () => {
  it('flow the options type from the type argument into create', () => {
    const auth = defineAuth<{ header: string; token: string }>({
      meta: { type: 'header_token', description: 'token in a header', schema: { type: 'object' } },
      create(options, ctx) {
        expectTypeOf(options).toEqualTypeOf<Readonly<{ header: string; token: string }>>();
        expectTypeOf(ctx).toEqualTypeOf<ComponentContext>();
        return { authorize: async (req) => ({ ...req, headers: { ...req.headers, [options.header]: options.token } }) };
      },
    });
    expectTypeOf(auth).toEqualTypeOf<ComponentDefinition<{ header: string; token: string }, AuthRuntime>>();
  });

  it("infer the options type from create's parameter annotation", () => {
    const paginator = definePaginator({
      meta: { type: 'since_id', description: 'ids after the last one', schema: { type: 'object' } },
      create: (options: { param: string }) => ({ next: () => (options.param === '' ? null : null) }),
    });
    expectTypeOf(paginator).toEqualTypeOf<ComponentDefinition<{ param: string }, PaginatorRuntime>>();
  });

  it('hold each slot to its runtime shape', () => {
    defineWebhookVerifier<{ secret: string }>({
      meta: { type: 'hmac', description: 'x', schema: {} },
      // @ts-expect-error a verifier must return { ok } or { ok: false, reason }, not a boolean
      create: () => ({ verify: () => true }),
    });
    defineErrorClassifier<Record<string, never>>({
      meta: { type: 'graphql', description: 'x', schema: {} },
      // @ts-expect-error 'throttled' is not an ErrorClass
      create: () => ({ classify: () => 'throttled' }),
    });
    defineRateLimitAdapter<{ header: string }>({
      meta: { type: 'call_limit', description: 'x', schema: {} },
      create: () => ({ observe: () => ({ remainingRatio: 0.5 }) }),
    });
    expect(true).toBe(true);
  });

  it('reject unknown slots at compile time', () => {
    // @ts-expect-error "paginator" is not a slot (it is "paginators")
    const plugin = defineConnector({ meta, paginator: {} });
    // The loader catches the same mistake at run time, for plugins written in plain JS.
    expect(checkPluginShape(plugin)).toHaveLength(1);
  });

  it('return their argument unchanged, so definitions stay plain data', () => {
    const component = { meta: { type: 'x', description: 'x', schema: {} }, create: () => ({}) };
    expect(defineComponent(component)).toBe(component);
    const plugin = { meta, auth: {} };
    expect(defineConnector(plugin)).toBe(plugin);
  });

  it('keep the literal type of a plugin, so its components stay addressable', () => {
    const hmac = defineWebhookVerifier<{ secret: string }>({
      meta: { type: 'hmac', description: 'x', schema: {} },
      create: () => ({ verify: () => ({ ok: true }) }),
    });
    const plugin = defineConnector({ meta, webhookVerifiers: { hmac } });
    expectTypeOf(plugin.meta.namespace).toEqualTypeOf<'acme'>();
    expectTypeOf(plugin.webhookVerifiers.hmac).toEqualTypeOf(hmac);
    expect(checkPluginShape(plugin)).toEqual([]);
  });
});
