import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { createLogger } from '../../log/index.js';
import { KeyRing, createVault, credentialAad, developmentKey, keyIdOf, parseKeyRing } from './index.js';

const TOKEN = 'sq0atp-SECRET-access-token-0123456789';
const AAD = credentialAad('sq-acme', 'access_token');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err.code;
    throw err;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('createVault', () => {
  const key = randomBytes(32);
  const vault = createVault(new KeyRing(key));

  it('round-trips a token and tags the ciphertext with the current key id', () => {
    const { ciphertext, keyId } = vault.encrypt(TOKEN, AAD);
    expect(keyId).toBe(keyIdOf(key));
    expect(keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(vault.keyIdOf(ciphertext)).toBe(keyId);
    expect(ciphertext.includes(Buffer.from(TOKEN))).toBe(false);
    expect(vault.decrypt(ciphertext, AAD)).toBe(TOKEN);
    expect(vault.decrypt(vault.encrypt('', AAD).ciphertext, AAD)).toBe('');
    expect(vault.decrypt(vault.encrypt('näive ✓', AAD).ciphertext, AAD)).toBe('näive ✓');
  });

  it('uses a different IV every time', () => {
    const a = vault.encrypt(TOKEN, AAD).ciphertext;
    const b = vault.encrypt(TOKEN, AAD).ciphertext;
    expect(a.equals(b)).toBe(false);
    const ivStart = 2 + 8;
    expect(a.subarray(ivStart, ivStart + 12).equals(b.subarray(ivStart, ivStart + 12))).toBe(false);
  });

  it('rejects any flipped byte, a wrong aad, a wrong key and malformed input with a coded error', () => {
    const { ciphertext } = vault.encrypt(TOKEN, AAD);
    for (let i = 0; i < ciphertext.length; i++) {
      const tampered = Buffer.from(ciphertext);
      tampered[i] = tampered[i]! ^ 0x01;
      expect(codeOf(() => vault.decrypt(tampered, AAD))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    }
    expect(codeOf(() => vault.decrypt(ciphertext, credentialAad('sq-other', 'access_token')))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    expect(codeOf(() => vault.decrypt(ciphertext, credentialAad('sq-acme', 'refresh_token')))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    const other = createVault(new KeyRing(randomBytes(32)));
    expect(codeOf(() => other.decrypt(ciphertext, AAD))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    expect(codeOf(() => vault.decrypt(Buffer.alloc(0), AAD))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    expect(codeOf(() => vault.decrypt(ciphertext.subarray(0, 20), AAD))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
    expect(messageOf(() => other.decrypt(ciphertext, AAD))).not.toContain(TOKEN);
    expect(messageOf(() => other.decrypt(ciphertext, AAD))).not.toContain(key.toString('base64'));
  });

  it('decrypts under a previous key and encrypts only under the current one', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const old = createVault(new KeyRing(oldKey)).encrypt(TOKEN, AAD);
    const rotating = createVault(new KeyRing(newKey, [oldKey]));
    expect(rotating.decrypt(old.ciphertext, AAD)).toBe(TOKEN);
    expect(rotating.encrypt(TOKEN, AAD).keyId).toBe(keyIdOf(newKey));
    expect(codeOf(() => createVault(new KeyRing(newKey)).decrypt(old.ciphertext, AAD))).toBe('CONNECTD_ERR_VAULT_DECRYPT_FAILED');
  });
});

describe('KeyRing', () => {
  it('never prints key material', () => {
    const key = randomBytes(32);
    const ring = new KeyRing(key);
    const b64 = key.toString('base64');
    const hex = key.toString('hex');
    for (const text of [JSON.stringify(ring), inspect(ring), String(inspect(ring, { showHidden: true }))]) {
      expect(text).not.toContain(b64);
      expect(text).not.toContain(hex);
    }
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ currentKeyId: keyIdOf(key), keyIds: [keyIdOf(key)] });
  });
});

describe('parseKeyRing', () => {
  const current = randomBytes(32);
  const previous = [randomBytes(32), randomBytes(32)];

  it('returns undefined without a key', () => {
    expect(parseKeyRing({})).toBeUndefined();
    expect(parseKeyRing({ CONNECTD_SECRET_KEY: '  ' })).toBeUndefined();
  });

  it('reads the current key and the previous ones', () => {
    const ring = parseKeyRing({
      CONNECTD_SECRET_KEY: current.toString('base64'),
      CONNECTD_SECRET_KEYS_PREVIOUS: ` ${previous[0]!.toString('base64')} , ${previous[1]!.toString('base64')},`,
    })!;
    expect(ring.currentKeyId).toBe(keyIdOf(current));
    expect(ring.keyIds).toEqual([keyIdOf(current), keyIdOf(previous[0]!), keyIdOf(previous[1]!)]);
  });

  it('rejects keys that are not base64 of exactly 32 bytes with a coded exit-2 error', () => {
    const bad = [
      { CONNECTD_SECRET_KEY: randomBytes(16).toString('base64') },
      { CONNECTD_SECRET_KEY: randomBytes(33).toString('base64') },
      { CONNECTD_SECRET_KEY: 'not base64 at all!' },
      { CONNECTD_SECRET_KEY: randomBytes(32).toString('hex') },
      { CONNECTD_SECRET_KEY: current.toString('base64'), CONNECTD_SECRET_KEYS_PREVIOUS: 'short' },
      { CONNECTD_SECRET_KEYS_PREVIOUS: current.toString('base64') },
    ];
    for (const env of bad) {
      let caught: unknown;
      try {
        parseKeyRing(env);
      } catch (err) {
        caught = err;
      }
      expect(isConnectdError(caught, 'CONNECTD_ERR_VAULT_KEY_INVALID')).toBe(true);
      expect(isConnectdError(caught) && caught.exitCode).toBe(2);
    }
  });
});

describe('developmentKey', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function capture(): { log: ReturnType<typeof createLogger>; lines: string[] } {
    const lines: string[] = [];
    return { log: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }), lines };
  }

  it('creates <dataDir>/secret.key with mode 0600, warns loudly, and reuses it', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'connectd-vault-')), 'data');
    dirs.push(dataDir);
    const first = capture();
    const ring = developmentKey(dataDir, first.log);
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    expect(key.length).toBe(32);
    expect(ring.currentKeyId).toBe(keyIdOf(key));
    expect(first.lines.join('')).toContain('DEVELOPMENT VAULT KEY');
    expect(first.lines.join('')).not.toContain(key.toString('base64'));

    const second = capture();
    const again = developmentKey(dataDir, second.log);
    expect(again.currentKeyId).toBe(ring.currentKeyId);
    expect(second.lines.join('')).toContain('DEVELOPMENT VAULT KEY');
    const { ciphertext } = createVault(ring).encrypt(TOKEN, AAD);
    expect(createVault(again).decrypt(ciphertext, AAD)).toBe(TOKEN);
  });

  it('refuses a key file that does not hold a valid key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'connectd-vault-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, 'secret.key'), 'garbage\n', { mode: 0o600 });
    expect(codeOf(() => developmentKey(dataDir, capture().log))).toBe('CONNECTD_ERR_VAULT_KEY_INVALID');
  });
});
