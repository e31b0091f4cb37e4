import { describe, expect, it } from 'vitest';
import { validationContext } from '../testing/validation-context.js';
import type { ConfigIssue } from './issues.js';
import { parseConfigText } from './parse.js';
import { validateConfig } from './validate.js';

const context = validationContext();

function issuesOf(text: string): ConfigIssue[] {
  const result = validateConfig(parseConfigText(text, 'connectors.yaml', {}), context);
  return result.ok ? [] : [...result.issues];
}

const brief = (issues: readonly ConfigIssue[]): string[] => issues.map((i) => `${i.line}:${i.col} ${i.code.replace('CONNECTD_ERR_', '')} ${i.path} ${i.suggestion ?? ''}`.trim());

const config = (flows: string): string => `version: 1
connectors:
  storq:
    base_url: https://storq.io/api/v1
    actions:
      create_order: { request: { path: /orders } }
  square:
    base_url: https://connect.squareup.com
    actions:
      set_inventory_count: { request: { path: /v2/inventory/changes/batch-create } }
flows:
${flows}`;

describe('flows: in the config', () => {
  it('accepts a flow whose entity, connectors and action are declared, with either way of naming the connection', () => {
    const text = config(`  stock:
    when: { entity: inventory_level, connector: storq, filter: 'operation != "deleted"' }
    then: { connector: square, action: set_inventory_count, connection: tenant, input: '{ "quantity": after.quantity }' }
  fixed:
    when: { entity: product }
    then: { connector: storq, action: create_order, connection: { id: storq-acme }, input: '{}' }
`);
    expect(issuesOf(text)).toEqual([]);
  });

  it('reports every unknown name at once, at its value, with "did you mean"', () => {
    const issues = issuesOf(
      config(`  stock:
    when: { entity: inventory_levels, connector: storqq }
    then: { connector: squares, action: set_inventory_count, input: '{}' }
  order:
    when: { entity: order }
    then: { connector: storq, action: create_ordr, input: '{}' }
`),
    );
    expect(brief(issues)).toEqual([
      '13:21 CONFIG_UNKNOWN_ENTITY flows.stock.when.entity inventory_level',
      '13:50 FLOWS_UNKNOWN_TARGET flows.stock.when.connector storq',
      '14:24 FLOWS_UNKNOWN_TARGET flows.stock.then.connector square',
      '17:39 FLOWS_UNKNOWN_TARGET flows.order.then.action create_order',
    ]);
  });

  it('refuses a flow without its required keys and a connection that is neither tenant nor { id }', () => {
    const issues = issuesOf(
      config(`  stock:
    when: { connector: storq }
    then: { connector: square, action: set_inventory_count, connection: mine }
`),
    );
    expect(issues.map((i) => i.path)).toEqual(['flows.stock.when', 'flows.stock.then', 'flows.stock.then.connection']);
  });
});
