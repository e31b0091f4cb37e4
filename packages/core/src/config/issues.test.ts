import { describe, expect, it } from 'vitest';
import { formatConfigIssue, formatYamlPath, sortIssues } from './issues.js';

describe('formatConfigIssue', () => {
  it('prints file:line:col, the path and the message separated by two spaces, with the suggestion', () => {
    const issue = {
      code: 'CONNECTD_ERR_CONFIG_UNKNOWN_KEY',
      file: 'connectors.yaml',
      line: 12,
      col: 7,
      path: 'connectors.storq.auth.tokn',
      message: 'unknown key "tokn"',
      suggestion: 'token',
    };
    expect(formatConfigIssue(issue)).toBe('connectors.yaml:12:7  connectors.storq.auth.tokn  unknown key "tokn". Did you mean "token"?');
    const { suggestion: _, ...plain } = issue;
    expect(formatConfigIssue(plain)).toBe('connectors.yaml:12:7  connectors.storq.auth.tokn  unknown key "tokn"');
  });
});

describe('formatYamlPath', () => {
  it('joins keys with dots, indexes with brackets, and quotes keys that are not plain', () => {
    expect(formatYamlPath(['connectors', 'storq', 'streams', 'stock', 'pagination', 'type'])).toBe('connectors.storq.streams.stock.pagination.type');
    expect(formatYamlPath(['plugins', 1])).toBe('plugins[1]');
    expect(formatYamlPath(['connectors', 'storq', 'webhooks', 'events', 'stock.updated', 'map'])).toBe('connectors.storq.webhooks.events["stock.updated"].map');
    expect(formatYamlPath([])).toBe('(root)');
  });
});

describe('sortIssues', () => {
  it('orders by position and drops exact duplicates', () => {
    const a = { code: 'C', file: 'f', line: 3, col: 1, path: 'a', message: 'm' };
    const b = { code: 'C', file: 'f', line: 1, col: 5, path: 'b', message: 'm' };
    expect(sortIssues([a, b, a])).toEqual([b, a]);
  });
});
