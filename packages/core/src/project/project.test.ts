import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { loadProject } from './load.js';
import type { Project } from './project.js';

const YAML = `version: 1
connectors:
  implicit:
    base_url: https://implicit.example.com
    streams:
      items: { request: { path: /items }, entity: product }
    actions:
      ping: { request: { path: /ping } }
  listed:
    base_url: https://listed.example.com
    connections:
      - { id: listed-acme, tenant: acme, config: { account_id: A-1 } }
  none:
    base_url: https://none.example.com
    connections: []
  consent:
    auth: { type: oauth2, authorize_url: "https://v.example.com/authorize", token_url: "https://v.example.com/token", client_id: c, client_secret: s }
  machine:
    auth: { type: oauth2, grant: client_credentials, token_url: "https://v.example.com/token", client_id: c, client_secret: s }
  sleepy:
    optional: true
    base_url: \${SLEEPY_URL}
    auth: { type: oauth2, authorize_url: "https://v.example.com/authorize", token_url: "https://v.example.com/token", client_id: "\${SLEEPY_CLIENT}", client_secret: s }
  hooks:
    webhooks:
      verify: { type: hmac, header: X-Sig, secret: "\${HOOKS_SECRET:-}" }
      events: { item.updated: { entity: product } }
`;

let project: Project;
beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'connectd-project-')), 'connectors.yaml');
  writeFileSync(path, YAML);
  project = await loadProject(path, {});
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isConnectdError(err) ? err.code : 'not coded';
  }
};

describe('Project', () => {
  it('tells active connectors from idle ones and names what an idle one lacks, never a value', () => {
    expect(project.connectorNames()).toEqual(['implicit', 'listed', 'none', 'consent', 'machine', 'sleepy', 'hooks']);
    expect(project.activeConnectors()).not.toContain('sleepy');
    expect(project.missingVariables('sleepy')).toEqual(['SLEEPY_URL', 'SLEEPY_CLIENT']);
    expect(project.missingVariables('implicit')).toEqual([]);
    expect(project.isActive('constructor')).toBe(false);
  });

  it('answers an unknown name with one area-neutral code that lists the known ones', () => {
    expect(codeOf(() => project.connector('nope'))).toBe('CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR');
    expect(codeOf(() => project.connector('__proto__'))).toBe('CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR');
    expect(codeOf(() => project.activeConnector('sleepy'))).toBe('CONNECTD_ERR_CONNECTION_UNAVAILABLE');
  });

  it('knows which connectors need a tenant\'s consent, and their typed OAuth options', () => {
    expect(['consent', 'machine', 'sleepy', 'implicit'].map((n) => project.needsConsent(n))).toEqual([true, false, true, false]);
    expect(project.oauth2('consent')).toMatchObject({ authorize_url: 'https://v.example.com/authorize', client_id: 'c' });
    expect(project.oauth2('machine')?.grant).toBe('client_credentials');
    expect(project.oauth2('sleepy')).toBeUndefined();
    expect(project.oauth2('implicit')).toBeUndefined();
  });

  it('declares one implicit connection, the listed ones, none for an empty list or a consent connector', () => {
    expect(project.declaredConnections('implicit')).toEqual([{ id: 'implicit', tenant: 'default', config: {} }]);
    expect(project.declaredConnections('listed')).toEqual([{ id: 'listed-acme', tenant: 'acme', config: { account_id: 'A-1' } }]);
    expect(project.declaredConnections('none')).toEqual([]);
    expect(project.declaredConnections('consent')).toEqual([]);
    expect(project.declaredConnections('machine')).toEqual([{ id: 'machine', tenant: 'default', config: {} }]);
    expect(project.activeDeclaredConnections().map((d) => d.connection.id)).toEqual(['implicit', 'listed-acme', 'machine', 'hooks']);
  });

  it('resolves sync targets and actions, naming what exists', () => {
    expect(project.syncTargets('implicit').map((s) => s.name)).toEqual(['items']);
    expect(project.syncTargets('listed')).toEqual([]);
    expect(codeOf(() => project.syncTargets('implicit', 'orders'))).toBe('CONNECTD_ERR_SYNC_UNKNOWN_STREAM');
    expect(project.action('implicit', 'ping').name).toBe('ping');
    expect(codeOf(() => project.action('implicit', 'pong'))).toBe('CONNECTD_ERR_ACTION_NOT_FOUND');
  });

  it('summarises each connector for validate and status, and says when webhooks fail closed', () => {
    const byName = new Map(project.summaries().map((s) => [s.name, s]));
    expect(byName.get('implicit')).toMatchObject({ state: 'active', auth: 'none', streams: ['items'], actions: ['ping'], webhooksFailClosed: false });
    expect(byName.get('sleepy')).toMatchObject({ state: 'idle', missing: ['SLEEPY_URL', 'SLEEPY_CLIENT'], auth: 'oauth2' });
    expect(byName.get('hooks')).toMatchObject({ webhookEvents: ['item.updated'], webhooksFailClosed: true });
    expect([...project.activeWebhooks().keys()]).toEqual(['hooks']);
  });
});
