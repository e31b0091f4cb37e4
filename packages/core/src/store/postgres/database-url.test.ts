import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../../errors/index.js';
import { parseDatabaseUrl, redactDatabaseUrl, scrubPassword } from './database-url.js';

describe('DATABASE_URL handling', () => {
  it('removes the password and secret parameters from a URL meant for people', () => {
    expect(redactDatabaseUrl('postgres://app:s3cret@db.internal:5432/prod')).toBe('postgres://app@db.internal:5432/prod');
    const redacted = redactDatabaseUrl('postgresql://app@db/prod?sslmode=require&password=hunter22');
    expect(redacted).not.toContain('hunter22');
    expect(redacted).toContain('sslmode=require');
  });

  it('scrubs the raw and the percent-decoded password from driver text', () => {
    const url = 'postgres://app:p%40ss%2Fword@db/prod';
    expect(scrubPassword('login as app with p@ss/word and p%40ss%2Fword failed', url)).toBe(
      'login as app with [redacted] and [redacted] failed',
    );
  });

  it('rejects what is not a Postgres URL with a bad-input error that does not repeat the value', () => {
    for (const bad of ['not a url at all s3cret', 'mysql://root:s3cret@db/x']) {
      let err: unknown;
      try {
        parseDatabaseUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(isConnectdError(err, 'CONNECTD_ERR_STORE_DATABASE_URL_INVALID')).toBe(true);
      expect((err as { exitCode: number }).exitCode).toBe(2);
      expect((err as Error).message).not.toContain('s3cret');
    }
  });
});
