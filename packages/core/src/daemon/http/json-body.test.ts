import { describe, expect, it } from 'vitest';
import { jsonBodyProblem } from './json-body.js';

describe('jsonBodyProblem', () => {
  it('lets through bodies within the depth, whatever brackets their strings hold', () => {
    expect(jsonBodyProblem('{"a":[1,{"b":2}]}', 3)).toBeUndefined();
    expect(jsonBodyProblem('{"a":"[[[[{{{{"}', 1)).toBeUndefined();
    expect(jsonBodyProblem('{"a":"\\"[[[["}', 1)).toBeUndefined();
  });

  it('refuses nesting past the depth', () => {
    expect(jsonBodyProblem('[[1]]', 1)).toBe('is nested more than 1 levels deep');
    expect(jsonBodyProblem(`${'['.repeat(101)}${']'.repeat(101)}`, 100)).toMatch(/nested more than 100/);
  });

  it('refuses a NUL escape in a key or a value, but not an escaped backslash followed by the same letters', () => {
    expect(jsonBodyProblem('{"a":"x\\u0000"}', 5)).toMatch(/NUL/);
    expect(jsonBodyProblem('{"a\\u0000":1}', 5)).toMatch(/NUL/);
    expect(jsonBodyProblem('{"a":"\\\\u0000"}', 5)).toBeUndefined();
    expect(jsonBodyProblem('{"a":"\\u0001"}', 5)).toBeUndefined();
  });
});
