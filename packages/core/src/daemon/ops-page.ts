import { redactSecretFields } from '../log/index.js';
import type { StatusReport } from '../status/index.js';
import { countInboxBacklog, countSyncedRecords, lastRuns, listDeadLetters } from '../store/index.js';
import type { Base } from './base.js';
import type { Generation } from './generation.js';
import type { OperationsPageDeps } from './http/ops-page/index.js';
import { OpsSampler } from './ops-sampler.js';

/**
 * The operations page's sampler over the daemon's registry and store: inbox backlog, and the
 * records of the sync runs started since `since` (the daemon's start), whose differences are the
 * throughput. Started and stopped by the composition root.
 * @example
 * const sampler = createOpsSampler(base, new Date()); sampler.start(); await sampler.stop();
 */
export function createOpsSampler(base: Base, since: Date): OpsSampler | undefined {
  if (base.registry === undefined) return undefined;
  return new OpsSampler({
    registry: base.registry,
    backlog: () => countInboxBacklog(base.store.db),
    syncedRecords: () => countSyncedRecords(base.store.db, since),
    log: base.log.child({ component: 'ops-page' }),
  });
}

/**
 * The page's dependencies as functions over the base and the generation running at each call,
 * so a config reload changes what the page shows and does without registering it again.
 * @example
 * operationsPageRoutes(opsPageDeps({ base, current: () => live.current, status, sampler }));
 */
export function opsPageDeps(wiring: {
  readonly base: Base;
  current(): Generation;
  status(): Promise<StatusReport>;
  readonly sampler: OpsSampler | undefined;
}): OperationsPageDeps {
  const { base, current, sampler } = wiring;
  const db = base.store.db;
  const declared = (connector: string) => (current().project.connectorNames().includes(connector) ? current().project.connector(connector) : undefined);
  return {
    adminToken: base.settings.adminToken,
    publicUrl: base.settings.publicUrl,
    log: base.log.child({ component: 'ops-page' }),
    status: () => wiring.status(),
    deadLetters: (filter) =>
      listDeadLetters(db, { limit: filter.limit, ...(filter.connectionId === undefined ? {} : { connectionId: filter.connectionId }), ...(filter.stream === undefined ? {} : { stream: filter.stream }) }),
    replay: (ids) => current().replay.replay({ ids }),
    connectLink: async (connection) => {
      const issued = await current().oauth.sessions.create({ connector: connection.connector, tenant: connection.tenant, connection: connection.id, params: {} });
      return { url: issued.url, expiresAt: issued.expiresAt };
    },
    redactPayload: (payload) => base.redact(JSON.stringify(redactSecretFields(payload, current().project.registry.secretFields()), null, 2) ?? 'null'),
    streamSuccesses: (ids) => lastRuns(db, { connectionIds: ids, succeededOnly: true }),
    schedule: (connector, stream) => declared(connector)?.streams?.[stream]?.schedule,
    rateLimit: (connector) => declared(connector)?.rate_limit,
    samples: () => sampler?.samples() ?? [],
    traffic: () => sampler?.traffic() ?? new Map(),
  };
}
