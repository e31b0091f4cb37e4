import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

describe('@connectd/connector-storq', () => {
  it('declares the package it ships in, so loading errors and logs name the right package', () => {
    expect(plugin.meta.name).toBe(manifest.name);
    expect(plugin.meta.version).toBe(manifest.version);
  });

  it('claims the "storq" namespace and supports core 0.1', () => {
    expect(plugin.meta.namespace).toBe('storq');
    expect(plugin.meta.engine).toBe('^0.1.0');
  });

  it('offers the storq/default preset and the storq/signature webhook verifier, and nothing else', () => {
    expect(Object.keys(plugin.presets)).toEqual(['default']);
    expect(Object.keys(plugin.webhookVerifiers)).toEqual(['signature']);
    expect(Object.keys(plugin).sort()).toEqual(['meta', 'presets', 'webhookVerifiers']);
  });

  it('names its webhook secret field for log redaction', () => {
    expect(plugin.meta.secrets).toContain('webhook_secret');
  });
});
