interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const SECOND: Field = { name: 'second', min: 0, max: 59 };
const FIVE_FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too, as in node-cron and most crons.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/**
 * Checks a cron expression of 5 fields (minute first) or 6 (second first), the syntax node-cron
 * runs: `*`, numbers, names (jan, mon), ranges `a-b`, steps `x/n` and lists `a,b`.
 * Returns why it is invalid, without repeating the expression, or undefined when it is fine.
 * @example
 * cronProblem('*\/5 * * * *'); // undefined
 * cronProblem('61 * * * *');  // 'minute must be between 0 and 59'
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `needs 5 fields (or 6 with seconds first), found ${parts.length}`;
  const fields = parts.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    const problem = fieldProblem(parts[i] ?? '', field);
    if (problem !== undefined) return `${field.name} ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return 'has a bad step (write */n or a-b/n)';
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return 'has a bad range (write a-b)';
    const values = bounds.map((bound) => valueOf(bound, field));
    if (values.some((v) => v === undefined)) return `must be between ${field.min} and ${field.max}${field.names ? ' or a name' : ''}`;
    const [from, to] = values as number[];
    if (to !== undefined && from !== undefined && from > to) return 'has a range that runs backwards';
  }
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
