import { afterAll, describe, expect, it } from 'vitest';
import type { HttpMetrics } from '../http/index.js';
import { createLogger } from '../log/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { withBreakerEvents } from './outbound.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const log = createLogger({ level: 'silent', destination: { write: () => undefined } });

describe.each(storeBackends())('breaker lifecycle events on %s', (backend) => {
  it('records breaker.opened and breaker.closed once per outage of a connection (a failed probe is the same one), and still reports every state', async () => {
    const { db } = await dbs.fresh(backend, { migrate: true });
    const states: string[] = [];
    const metrics: HttpMetrics = { attempt: () => undefined, rateLimitWait: () => undefined, breakerState: (e) => void states.push(e.state) };
    const observed = withBreakerEvents(metrics, db, log);
    for (const state of ['closed', 'open', 'half_open', 'open', 'closed', 'closed'] as const) observed.breakerState({ connection: 'storq:storq-acme', state });
    await observed.settled();
    const { rows } = await db.query<{ type: string; connector: string; connection_id: string }>(
      `select type, connector, connection_id from connectd_engine.lifecycle_events order by id`,
    );
    expect(rows).toEqual([
      { type: 'breaker.opened', connector: 'storq', connection_id: 'storq-acme' },
      { type: 'breaker.closed', connector: 'storq', connection_id: 'storq-acme' },
    ]);
    expect(states).toEqual(['closed', 'open', 'half_open', 'open', 'closed', 'closed']);
  });
});
