/**
 * The one policy of which names hold secrets. Every layer that shows a name/value pair to a person
 * (a logged URL, a loop error naming a request, a token response's extra fields, a stored webhook's
 * headers, a config value's position) asks here, so widening the policy widens it everywhere.
 * False positives only cost a censored harmless value; false negatives leak.
 */

/** Words that mark a query parameter or JSON field name as secret, matched anywhere, any case. */
const SECRET_FIELD_WORDS = /token|key|secret|sig|passw|pwd|code|auth|credential|session|bearer|cookie/i;

/**
 * Config keys whose value is a credential: the last word of the key. Narrower than field names,
 * because a config value marked secret is scrubbed from every log line (an `authorize_url` must
 * stay readable).
 */
const SECRET_CONFIG_KEY = /(^|[_-])(token|secret|secrets|password|passphrase|api_key|apikey|client_secret|key|credentials?)$/i;

/** Environment variable names that announce a credential, whatever key they are assigned to. */
const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE|CREDENTIAL/i;

/** Header names that carry credentials or signatures. */
const SECRET_HEADER = /authorization|cookie|signature|hmac|secret|token|api-key|apikey|password|^x-auth-/i;

/**
 * A query parameter or JSON field whose value is censored in messages and logs.
 * @example
 * isSecretFieldName('access_token'); // true
 * isSecretFieldName('cursor'); // false
 */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD_WORDS.test(name);
}

/**
 * A config key whose (interpolated) value is a credential the logger must scrub.
 * @example
 * isSecretConfigKey('client_secret'); // true
 * isSecretConfigKey('authorize_url'); // false
 */
export function isSecretConfigKey(key: string): boolean {
  return SECRET_CONFIG_KEY.test(key);
}

/**
 * An environment variable whose name says it holds a credential.
 * @example
 * isSecretVariableName('STORQ_API_KEY'); // true
 */
export function isSecretVariableName(name: string): boolean {
  return SECRET_VARIABLE.test(name);
}

/**
 * A header that may carry a credential or a signature: never stored with a webhook, and its
 * configured value is treated as a secret.
 * @example
 * isSecretHeaderName('X-Shopify-Hmac-Sha256'); // true
 * isSecretHeaderName('X-Shopify-Topic'); // false
 */
export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}
