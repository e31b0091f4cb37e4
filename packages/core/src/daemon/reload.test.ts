import { describe, expect, it } from 'vitest';
import { CONFIG_INVALID } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { ConfigReloader, describeReloadError, revisionOf } from './reload.js';

const silent = createLogger({ level: 'silent' });

/** A reloader over an in-memory "file": `apply` records each call and refuses texts containing `broken`. */
function harness(options: { debounceMs?: number; applyMs?: number } = {}) {
  const file = { text: 'version: 1\n' };
  const applied: string[] = [];
  let release: (() => void) | undefined;
  const reloader = new ConfigReloader({
    path: '/srv/connectors.yaml',
    text: file.text,
    loadedAt: new Date('2026-01-01T00:00:00Z'),
    readText: async () => file.text,
    apply: async () => {
      const text = file.text;
      if (options.applyMs !== undefined) await new Promise<void>((resolve) => (release = resolve));
      if (text.includes('broken')) {
        throw CONFIG_INVALID({
          file: '/srv/connectors.yaml',
          issues: [{ code: 'CONNECTD_ERR_CONFIG_UNKNOWN_KEY', line: 3, col: 5, path: 'connectors.shop.brokenkey', message: 'unknown key s3cr3t-value-1234' }],
        });
      }
      applied.push(text);
    },
    log: silent,
    redact: (text) => text.replaceAll('s3cr3t-value-1234', '[redacted]'),
    debounceMs: options.debounceMs ?? 20,
  });
  return { file, applied, reloader, release: () => release?.() };
}

describe('ConfigReloader', () => {
  it('rebuilds nothing for unchanged text and reports it as unchanged', async () => {
    const { reloader, applied } = harness();
    const report = await reloader.reload();
    expect(report.outcome).toBe('unchanged');
    expect(applied).toEqual([]);
    expect(reloader.state()).toMatchObject({ revision: revisionOf('version: 1\n'), lastReload: { outcome: 'unchanged' } });
  });

  it('debounces a burst of file events into one reload of the last text', async () => {
    const { file, reloader, applied } = harness({ debounceMs: 30 });
    for (let i = 1; i <= 5; i++) {
      file.text = `version: 1\n# edit ${i}\n`;
      reloader.request();
    }
    await reloader.settled();
    expect(applied).toEqual(['version: 1\n# edit 5\n']);
    expect(reloader.state()).toMatchObject({ revision: revisionOf(file.text), lastReload: { outcome: 'applied' } });
  });

  it('queues exactly one more reload for requests that come while one runs, and it reads the newest text', async () => {
    const { file, reloader, applied, release } = harness({ applyMs: 1 });
    file.text = 'version: 1\n# first\n';
    const first = reloader.reload();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first is inside apply now
    file.text = 'version: 1\n# second\n';
    const queued = [reloader.reload(), reloader.reload()];
    file.text = 'version: 1\n# third\n';
    const third = reloader.reload();
    expect(queued[0]).toBe(queued[1]);
    expect(third).toBe(queued[0]);
    release();
    expect((await first).outcome).toBe('applied');
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    expect((await third).outcome).toBe('applied');
    expect(applied).toEqual(['version: 1\n# first\n', 'version: 1\n# third\n']);
  });

  it('refuses a broken config with every error as validate prints it, scrubbed, and keeps the running revision', async () => {
    const { file, reloader, applied } = harness();
    file.text = 'version: 1\n# good\n';
    expect((await reloader.reload()).outcome).toBe('applied');
    const good = reloader.state();
    file.text = 'version: 1\n# broken\n';
    const report = await reloader.reload();
    expect(report.outcome).toBe('refused');
    expect(report.errors).toEqual(['/srv/connectors.yaml:3:5  connectors.shop.brokenkey  unknown key [redacted]']);
    expect(reloader.state()).toMatchObject({ revision: good.revision, loadedAt: good.loadedAt, lastReload: { outcome: 'refused' } });
    expect(applied).toEqual(['version: 1\n# good\n']);
  });

  it('does nothing once closed', async () => {
    const { file, reloader, applied } = harness();
    await reloader.close();
    file.text = 'version: 1\n# late\n';
    reloader.request();
    await reloader.reload();
    await reloader.settled();
    expect(applied).toEqual([]);
  });
});

describe('describeReloadError', () => {
  it('names the code of an error that is not a config issue', () => {
    expect(describeReloadError(CONFIG_INVALID({ file: 'c.yaml', issues: [] }))[0]).toMatch(/^CONNECTD_ERR_CONFIG_INVALID: /);
    expect(describeReloadError(new Error('boom'))).toEqual(['boom']);
  });
});

describe('revisionOf', () => {
  it('is the first 12 hex digits of the sha256 of the text', () => {
    expect(revisionOf('')).toBe('e3b0c44298fc');
  });
});
