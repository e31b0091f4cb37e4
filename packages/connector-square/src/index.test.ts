import { describe, expect, it } from 'vitest';
import plugin from './index.js';

describe('@connectd/connector-square', () => {
  it('leaves its name and version to package.json, which the loader reads them from', () => {
    expect(plugin.meta).not.toHaveProperty('name');
    expect(plugin.meta).not.toHaveProperty('version');
  });

  it('claims the "square" namespace and supports core 0.1', () => {
    expect(plugin.meta.namespace).toBe('square');
    expect(plugin.meta.engine).toBe('^0.1.0');
  });
});
