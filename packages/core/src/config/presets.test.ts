import { describe, expect, it } from 'vitest';
import type { ConnectorPreset } from '../connector/index.js';
import { validationContext } from '../testing/validation-context.js';
import { parseConfigText } from './parse.js';
import { validateConfig, type ValidationResult } from './validate.js';

const PRESETS: Record<string, ConnectorPreset> = {
  'storq/default': {
    description: 'storq defaults',
    config: {
      base_url: 'https://storq.io/api/v1',
      rate_limit: { rate: '10/s', burst: 20 },
      retry: { max_attempts: 4 },
      streams: { stock: { request: { path: '/stock' }, records: '$.stock', entity: 'inventory_level' } },
    },
  },
  'storq/fast': { description: 'more speed', config: { rate_limit: { rate: '50/s' } } },
  'storq/broken': { description: 'a preset with a typo', config: { retry: { max_attemps: 2 } } },
};

const context = validationContext({ presets: PRESETS });

const check = (text: string): ValidationResult => validateConfig(parseConfigText(text, 'connectors.yaml', {}), context);

describe('presets (extends)', () => {
  it("merges the preset's config under the connector's own keys", () => {
    const result = check(`version: 1
connectors:
  storq:
    extends: storq/default
    rate_limit: { burst: 5 }
    auth: { type: bearer, token: t }
`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.connectors.storq).toMatchObject({
      base_url: 'https://storq.io/api/v1',
      rate_limit: { rate: '10/s', burst: 5 },
      retry: { max_attempts: 4 },
      auth: { type: 'bearer', token: 't' },
      streams: { stock: { records: '$.stock' } },
    });
  });

  it('applies a list of presets in order, later ones winning, the file winning over all', () => {
    const result = check(`version: 1
connectors:
  storq:
    extends: [storq/default, storq/fast]
    retry: { max_attempts: 9 }
`);
    expect(result.ok && result.config.connectors.storq).toMatchObject({ rate_limit: { rate: '50/s', burst: 20 }, retry: { max_attempts: 9 } });
  });

  it('reports an unknown preset at the extends value, with a suggestion', () => {
    const result = check(`version: 1
connectors:
  storq:
    extends: storq/defualt
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toMatchObject([
      { code: 'CONNECTD_ERR_CONFIG_UNKNOWN_PRESET', line: 4, col: 14, path: 'connectors.storq.extends', suggestion: 'storq/default' },
    ]);
  });

  it('points issues inside merged preset values at the extends line and names the preset', () => {
    const result = check(`version: 1
connectors:
  storq:
    base_url: https://storq.io
    extends: storq/broken
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: 'CONNECTD_ERR_CONFIG_UNKNOWN_KEY', line: 5, col: 14, path: 'connectors.storq.retry.max_attemps', suggestion: 'max_attempts' });
    expect(result.issues[0]?.message).toContain('storq/broken');
  });
});
