import { describe, expect, it } from 'vitest';
import { isConnectdError } from '../errors/index.js';
import { DEFAULT_HOST, DEFAULT_PORT, readSettings, withServerConfig } from './settings.js';

const SERVER = { port: 8080, host: '127.0.0.1', public_url: 'https://connect.example.com/' };

describe('daemon settings: the environment, then connectors.yaml’s server block, then the defaults', () => {
  it('reads the defaults from an empty environment', () => {
    expect(readSettings({}, '/srv')).toMatchObject({ port: DEFAULT_PORT, host: DEFAULT_HOST, publicUrl: `http://localhost:${DEFAULT_PORT}`, dataDir: '/srv/.connectd' });
  });

  it('takes server.port, server.host and server.public_url (without its trailing slash) where the environment is silent', () => {
    const env = {};
    expect(withServerConfig(readSettings(env), SERVER, env)).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: 'https://connect.example.com' });
  });

  it('lets PORT, HOST and CONNECTD_PUBLIC_URL win over the file, each on its own', () => {
    const all = { PORT: '9000', HOST: '::1', CONNECTD_PUBLIC_URL: 'https://env.example.com' };
    expect(withServerConfig(readSettings(all), SERVER, all)).toMatchObject({ port: 9000, host: '::1', publicUrl: 'https://env.example.com' });
    const portOnly = { PORT: '9000' };
    expect(withServerConfig(readSettings(portOnly), SERVER, portOnly)).toMatchObject({ port: 9000, host: '127.0.0.1', publicUrl: 'https://connect.example.com' });
  });

  it('counts an empty variable as unset, as readSettings does', () => {
    const env = { PORT: '', HOST: '', CONNECTD_PUBLIC_URL: '' };
    expect(withServerConfig(readSettings(env), SERVER, env)).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: 'https://connect.example.com' });
  });

  it('makes the default public URL follow the port the file gives, unless a public URL is set', () => {
    expect(withServerConfig(readSettings({}), { port: 8080 }, {})).toMatchObject({ port: 8080, publicUrl: 'http://localhost:8080' });
    const env = { PORT: '9000' };
    expect(withServerConfig(readSettings(env), { port: 8080 }, env)).toMatchObject({ port: 9000, publicUrl: 'http://localhost:9000' });
    expect(withServerConfig(readSettings({}), undefined, {})).toEqual(readSettings({}));
  });

  it('refuses a PORT it cannot use with CONNECTD_ERR_DAEMON_ENV_INVALID', () => {
    let caught: unknown;
    try {
      readSettings({ PORT: 'eighty' });
    } catch (err) {
      caught = err;
    }
    expect(isConnectdError(caught, 'CONNECTD_ERR_DAEMON_ENV_INVALID')).toBe(true);
  });
});
