/**
 * How the testers report: every case runs, every failure is collected, and one error lists them
 * all (ESLint's RuleTester reports case by case through the test framework; ours does not call
 * `describe`/`it`, so it gathers the failures itself and throws once).
 */
import { AssertionError, deepStrictEqual } from 'node:assert';
import { isConnectdError } from '../errors/index.js';

/** One failed case: which one, what was expected and what came. */
export interface CaseFailure {
  /** `valid[2] "rounds prices"`, `samples[0] (stream stock)`. */
  readonly label: string;
  readonly message: string;
}

/**
 * Thrown by `testComponent` and `testPreset` when any case failed. Its message lists every
 * failure; `failures` holds them for a test that checks a tester itself. An `AssertionError`
 * (`code: 'ERR_ASSERTION'`), so every test framework shows it as a failed assertion.
 * @example
 * try { await testPreset(plugin, 'default', { samples }); } catch (err) { (err as CasesFailed).failures; }
 */
export class CasesFailed extends AssertionError {
  readonly failures: readonly CaseFailure[];

  constructor(title: string, failures: readonly CaseFailure[]) {
    const lines = failures.map((f) => `- ${f.label}: ${f.message.replace(/\n/g, '\n    ')}`);
    super({ message: `${title}: ${failures.length} failed\n${lines.join('\n')}` });
    this.name = 'CasesFailed';
    this.failures = failures;
  }
}

/**
 * Collects failures while cases run, and throws {@link CasesFailed} at the end when there are any.
 * @example
 * const failures = new FailureList('testComponent(bearer)');
 * failures.add('valid[0]', 'the options failed the schema: token is required');
 * failures.throwIfAny();
 */
export class FailureList {
  readonly #title: string;
  readonly #failures: CaseFailure[] = [];

  constructor(title: string) {
    this.#title = title;
  }

  add(label: string, message: string): void {
    this.#failures.push({ label, message });
  }

  /** Runs one case; anything it throws becomes that case's failure. */
  async run(label: string, body: () => Promise<void> | void): Promise<void> {
    try {
      await body();
    } catch (err) {
      this.add(label, describeError(err));
    }
  }

  throwIfAny(): void {
    if (this.#failures.length > 0) throw new CasesFailed(this.#title, this.#failures);
  }
}

/**
 * The label of case `index` of `list`, with its name when it has one.
 * @example
 * caseLabel('valid', 2, 'rounds prices'); // 'valid[2] "rounds prices"'
 */
export function caseLabel(list: string, index: number, name: string | undefined): string {
  return name === undefined ? `${list}[${index}]` : `${list}[${index}] "${name}"`;
}

/**
 * An error as one line: its code first when it has one, since codes are what tests rely on.
 * @example
 * describeError(MAPPING_EVALUATE({ label: 'items', reason: 'boom' })); // 'CONNECTD_ERR_MAPPING_EVALUATE: ...'
 */
export function describeError(err: unknown): string {
  if (isConnectdError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Undefined when `actual` deep-equals `expected` (after a JSON round trip, so an absent key and
 * an `undefined` one are alike, as they are once stored); otherwise node's readable diff.
 * @example
 * diffOf({ quantity: 3 }, { quantity: 2 }); // 'Expected values to be strictly deep-equal:\n+ actual - expected ...'
 */
export function diffOf(actual: unknown, expected: unknown): string | undefined {
  const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  try {
    deepStrictEqual(plain(actual), plain(expected));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
