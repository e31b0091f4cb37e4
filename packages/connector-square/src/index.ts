/**
 * @connectd/connector-square: the connectd plugin for Square. It ships the `square/default` preset
 * (OAuth, streams, webhooks, pacing) and the `$square_money()` mapping function; see README.md.
 */
import { defineConnector } from '@connectd/core/connector';
import { squareMoneyFunction } from './money.js';
import { squareDefaultPreset } from './preset.js';

export { squareMoney } from './money.js';
export {
  squareDefaultPreset,
  SQUARE_API_VERSION,
  SQUARE_BASE_URL,
  SQUARE_RATE_LIMIT,
  SQUARE_REFRESH_MARGIN_SECONDS,
  SQUARE_SCOPES,
} from './preset.js';

export default defineConnector({
  meta: {
    namespace: 'square',
    engine: '^0.1.0',
    // Square's webhook signature key and application secret, if a log line ever carries them as fields.
    secrets: ['signature_key', 'application_secret'],
  },
  presets: { default: squareDefaultPreset },
  functions: { money: squareMoneyFunction },
});
