import { describe, expect, it } from 'vitest';
import plugin from './index.js';

describe('@connectd/connector-storq', () => {
  it('leaves its name and version to package.json, which the loader reads them from', () => {
    expect(plugin.meta).not.toHaveProperty('name');
    expect(plugin.meta).not.toHaveProperty('version');
  });

  it('claims the "storq" namespace and supports core 0.1', () => {
    expect(plugin.meta.namespace).toBe('storq');
    expect(plugin.meta.engine).toBe('^0.1.0');
  });

  it("offers the storq/default preset and nothing else: its webhooks are core's hmac, configured", () => {
    expect(Object.keys(plugin.presets)).toEqual(['default']);
    expect(Object.keys(plugin).sort()).toEqual(['meta', 'presets']);
  });

  it('names its webhook secret field for log redaction', () => {
    expect(plugin.meta.secrets).toContain('webhook_secret');
  });
});
