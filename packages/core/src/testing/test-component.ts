import type { ErrorObject } from 'ajv';
import { SchemaCompiler } from '../config/index.js';
import { compileComponentSchemas, type ComponentDefinition, type ConnectorPlugin } from '../connector/index.js';
import { isConnectdError } from '../errors/index.js';
import { caseLabel, describeError, FailureList } from './case-failures.js';
import { createTestContext, type TestComponentContext, type TestContextOptions } from './component-context.js';

/** Options the component must accept; `check` then looks at what `create` returned. */
export interface ValidComponentCase<Runtime> {
  readonly name?: string;
  readonly options: unknown;
  readonly check?: (runtime: Runtime, ctx: TestComponentContext) => void | Promise<void>;
}

/**
 * Options the component must refuse: they fail its schema, or `create` throws a coded error.
 * `error`, when given, must match the schema's complaint or the thrown error: a string is found
 * in the text or equals the code; a RegExp is tested against `CODE: message`.
 */
export interface InvalidComponentCase {
  readonly name?: string;
  readonly options: unknown;
  readonly error?: RegExp | string;
}

export interface TestComponentOptions<Runtime> {
  readonly valid?: ReadonlyArray<ValidComponentCase<Runtime>>;
  readonly invalid?: readonly InvalidComponentCase[];
  /** Connection, token provider, clock and log level of the contexts `create` gets (a fresh one per case). */
  readonly context?: TestContextOptions;
}

/** How many cases ran; returned only when all passed. */
export interface TestComponentReport {
  readonly valid: number;
  readonly invalid: number;
}

/**
 * Tests a component (`defineAuth`, `definePaginator`, … results) the way core uses it: options
 * are validated against `meta.schema` by the validator `connectd validate` uses (after the
 * schema is compiled as strictly as the plugin loader compiles it), then `create(options, ctx)`
 * runs with a real context (see {@link createTestContext}). Every case runs; when any fails, one
 * {@link CasesFailed} lists them all. It calls no `describe`/`it`: use it inside one.
 * @example
 * it('accepts a secret and refuses a missing one', async () => {
 *   await testComponent(signatureVerifier, {
 *     valid: [{ options: { secret: 's3cret' }, check: (runtime) => expect(runtime.verify(delivery)).toEqual({ ok: true }) }],
 *     invalid: [{ name: 'no secret', options: {}, error: "must have required property 'secret'" }],
 *   });
 * });
 */
export async function testComponent<Runtime>(
  definition: ComponentDefinition<never, Runtime>,
  cases: TestComponentOptions<Runtime>,
): Promise<TestComponentReport> {
  const failures = new FailureList(`testComponent(${String(definition.meta?.type)})`);
  const validate = compileOptionsValidator(definition, failures);
  if (validate === undefined) failures.throwIfAny();
  const create = definition.create as (options: unknown, ctx: TestComponentContext) => Runtime;
  const valid = cases.valid ?? [];
  const invalid = cases.invalid ?? [];
  for (const [index, c] of valid.entries()) {
    await failures.run(caseLabel('valid', index, c.name), async () => {
      const problems = validate!(c.options);
      if (problems !== undefined) throw new Error(`the options fail the schema: ${problems}`);
      const ctx = createTestContext(cases.context);
      const runtime = create(c.options, ctx);
      await c.check?.(runtime, ctx);
    });
  }
  for (const [index, c] of invalid.entries()) {
    await failures.run(caseLabel('invalid', index, c.name), () => checkRefused(c, validate!, () => create(c.options, createTestContext(cases.context))));
  }
  failures.throwIfAny();
  return { valid: valid.length, invalid: invalid.length };
}

type OptionsValidator = (options: unknown) => string | undefined;

/** The schema compiled as the loader does (strict, problems reported) and as the config validator does (for options). */
function compileOptionsValidator(definition: ComponentDefinition<never, unknown>, failures: FailureList): OptionsValidator | undefined {
  const schema = definition.meta?.schema;
  if (typeof schema !== 'object' || schema === null) {
    failures.add('meta.schema', 'the component has no options schema (meta.schema)');
    return undefined;
  }
  // The loader's own check, on a one-component plugin: a misspelt keyword fails here as at load.
  const probe = { meta: { name: 'tested-component', version: '0.0.0', namespace: 'tested', engine: '*' }, auth: { [definition.meta.type]: definition } };
  const problems = compileComponentSchemas(probe as unknown as ConnectorPlugin);
  for (const problem of problems) failures.add('meta.schema', `the options schema does not compile as the plugin loader compiles it: ${problem.reason}`);
  if (problems.length > 0) return undefined;
  // The compiler `connectd validate` checks component options with (one per call: nothing shared between tests).
  const validate = new SchemaCompiler().component(schema);
  return (options) => (validate(options) ? undefined : formatAjvErrors(validate.errors ?? []));
}

async function checkRefused(c: InvalidComponentCase, validate: OptionsValidator, create: () => unknown): Promise<void> {
  const problems = validate(c.options);
  if (problems !== undefined) {
    if (c.error !== undefined && !matches(c.error, problems, undefined)) throw new Error(`the schema refused the options with "${problems}", not matching ${String(c.error)}`);
    return;
  }
  try {
    await create();
  } catch (err) {
    if (!isConnectdError(err)) throw new Error(`the options pass the schema and create() threw an error without a code (throw a coded error): ${describeError(err)}`);
    if (c.error !== undefined && !matches(c.error, err.message, err.code)) throw new Error(`create() threw "${describeError(err)}", not matching ${String(c.error)}`);
    return;
  }
  throw new Error('expected the options to be refused, but they pass the schema and create() returned a runtime');
}

function matches(expected: RegExp | string, text: string, code: string | undefined): boolean {
  if (typeof expected === 'string') return text.includes(expected) || code === expected;
  return expected.test(code === undefined ? text : `${code}: ${text}`);
}

/**
 * ajv's errors as one line: `/token must be string; must have required property 'secret'`.
 * @example
 * formatAjvErrors(validate.errors ?? []);
 */
export function formatAjvErrors(errors: readonly ErrorObject[]): string {
  return errors
    .map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
      return `${e.instancePath === '' ? '' : `${e.instancePath} `}${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}
