/** The environment as the loader sees it; `process.env` fits. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One `${VAR}` that produced a value. */
export interface UsedVariable {
  readonly variable: string;
  readonly value: string;
  /** True when the variable was unset and `:-default` supplied the value. */
  readonly fromDefault: boolean;
}

export interface InterpolationResult {
  /** The text with every reference replaced; a missing variable contributes an empty string. */
  readonly value: string;
  /** Variables that were unset (or empty) and had no default, in order of appearance. */
  readonly missing: readonly string[];
  readonly used: readonly UsedVariable[];
  /** Malformed references, described without any value. */
  readonly errors: readonly string[];
  /** True when the text is exactly one `${...}` (so a plain YAML scalar may become a number). */
  readonly whole: boolean;
  /** True when the text had at least one reference. */
  readonly interpolated: boolean;
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in one string. `$${` is a literal `${`. A variable set to
 * the empty string counts as unset, as with the shell's `:-`, so an empty CI secret behaves like a
 * missing one instead of sending an empty token. Defaults may hold braces (`https://{shop}/x`) and
 * nested references (`${A:-${B}}`).
 * @example
 * interpolate('${BASE:-https://storq.io}/v1', {}).value; // 'https://storq.io/v1'
 */
export function interpolate(text: string, env: Env): InterpolationResult {
  const missing: string[] = [];
  const used: UsedVariable[] = [];
  const errors: string[] = [];
  let out = '';
  let references = 0;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = closingBrace(text, i + 2);
    if (end === -1) {
      errors.push('unterminated "${" (write $${ for a literal "${")');
      out += text.slice(i);
      break;
    }
    references += 1;
    const inner = text.slice(i + 2, end);
    const match = REFERENCE.exec(inner);
    if (match === null) {
      errors.push('expected ${NAME} or ${NAME:-default}, NAME made of letters, digits and _');
    } else {
      out += resolve(match[1] ?? '', match[2], env, { missing, used, errors });
    }
    i = end + 1;
  }
  const whole = references === 1 && text.startsWith('${') && closingBrace(text, 2) === text.length - 1;
  return { value: out, missing, used, errors, whole, interpolated: references > 0 };
}

function resolve(
  name: string,
  fallback: string | undefined,
  env: Env,
  sink: { missing: string[]; used: UsedVariable[]; errors: string[] },
): string {
  const value = env[name];
  if (value !== undefined && value !== '') {
    sink.used.push({ variable: name, value, fromDefault: false });
    return value;
  }
  if (fallback === undefined) {
    sink.missing.push(name);
    return '';
  }
  const nested = interpolate(fallback, env);
  sink.missing.push(...nested.missing);
  sink.errors.push(...nested.errors);
  sink.used.push(...nested.used);
  sink.used.push({ variable: name, value: nested.value, fromDefault: true });
  return nested.value;
}

/** Index of the `}` closing a reference whose body starts at `from`, skipping balanced braces. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const ch = text[j];
    if (ch === '{') depth += 1;
    else if (ch === '}') {
      if (depth === 0) return j;
      depth -= 1;
    }
  }
  return -1;
}
