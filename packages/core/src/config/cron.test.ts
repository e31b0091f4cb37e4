import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron.js';

describe('cronProblem', () => {
  it('accepts 5-field and 6-field expressions in node-cron syntax', () => {
    for (const ok of ['*/5 * * * *', '0 * * * *', '15 3 * * mon-fri', '0 */5 * * * *', '0 0 1,15 jan,jul *', '0 0 * * 7', '5-10/2 * * * *']) {
      expect(cronProblem(ok), ok).toBeUndefined();
    }
  });

  it('rejects the wrong number of fields', () => {
    expect(cronProblem('* * * *')).toMatch(/5 fields/);
    expect(cronProblem('* * * * * * *')).toMatch(/5 fields/);
  });

  it('rejects values out of range, naming the field', () => {
    expect(cronProblem('61 * * * *')).toMatch(/^minute/);
    expect(cronProblem('* 24 * * *')).toMatch(/^hour/);
    expect(cronProblem('* * 0 * *')).toMatch(/^day of month/);
    expect(cronProblem('* * * 13 *')).toMatch(/^month/);
    expect(cronProblem('61 * * * * *')).toMatch(/^second/);
  });

  it('rejects bad steps and backwards ranges', () => {
    expect(cronProblem('*/0 * * * *')).toMatch(/step/);
    expect(cronProblem('10-5 * * * *')).toMatch(/backwards/);
    expect(cronProblem('a * * * *')).toBeDefined();
  });
});
