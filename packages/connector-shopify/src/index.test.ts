import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

describe('@connectd/connector-shopify', () => {
  it('declares the package it ships in, so loading errors and logs name the right package', () => {
    expect(plugin.meta.name).toBe(manifest.name);
    expect(plugin.meta.version).toBe(manifest.version);
  });

  it('claims the "shopify" namespace and supports core 0.1', () => {
    expect(plugin.meta.namespace).toBe('shopify');
    expect(plugin.meta.engine).toBe('^0.1.0');
  });
});
