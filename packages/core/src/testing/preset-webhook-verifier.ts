import { createComponent, type ConnectorPlugin, type WebhookVerifierRuntime } from '../connector/index.js';
import { FailureList } from './case-failures.js';
import { createTestContext, type TestComponentContext, type TestContextOptions } from './component-context.js';
import { compilePreset } from './compile-preset.js';

export interface PresetWebhookVerifierOptions {
  /** What connectors.yaml sets beside `extends:`, e.g. `{ webhooks: { verify: { secret: 'whsec_1' } } }`. */
  readonly connection?: Readonly<Record<string, unknown>>;
  /** The context the verifier is created with (its captured logs are returned). */
  readonly context?: TestContextOptions;
}

/** The verifier a preset's `webhooks.verify` configures, with the context it was created in. */
export interface PresetWebhookVerifier {
  readonly verifier: WebhookVerifierRuntime;
  readonly context: TestComponentContext;
}

/**
 * The webhook verifier exactly as the daemon builds it for a connector that `extends:` the preset:
 * the preset's `verify` merged with what the file adds, validated against the verifier's schema,
 * created through the registry (a core built-in such as `hmac` or a plugin's own). A preset whose
 * signing is pure configuration is tested through this, with no access to core's internals.
 * @throws CasesFailed listing every config problem (a missing secret, a misspelt option)
 * @example
 * const { verifier } = presetWebhookVerifier(plugin, 'default', { connection: { webhooks: { verify: { secret: 'whsec_1' } } } });
 * verifier.verify({ rawBody, headers: { 'storq-signature': hexHmac }, url }); // { ok: true }
 */
export function presetWebhookVerifier(plugin: ConnectorPlugin, presetId: string, options: PresetWebhookVerifierOptions = {}): PresetWebhookVerifier {
  const failures = new FailureList(`presetWebhookVerifier(${presetId})`);
  const preset = compilePreset(plugin, presetId, options.connection ?? {}, failures);
  const verify = preset?.config.connectors[preset.connector]?.webhooks?.verify;
  if (preset !== undefined && verify === undefined) failures.add('preset', `connector "${preset.connector}" has no webhooks.verify`);
  failures.throwIfAny();
  const context = createTestContext(options.context);
  return { verifier: createComponent(preset!.registry, 'webhookVerifiers', verify!, { log: context.log, signal: context.signal }), context };
}
