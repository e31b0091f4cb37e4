import { runAction, type ActionConnection, type CompiledAction } from '../actions/index.js';
import type { ConnectionInfo } from '../connector/index.js';
import {
  ACTION_VENDOR_REJECTED,
  FLOWS_CONNECTION_AMBIGUOUS,
  FLOWS_CONNECTION_NOT_FOUND,
  FLOWS_NOT_FOUND,
  FLOWS_ACTION_REFUSED,
  isConnectdError,
} from '../errors/index.js';
import type { JobHandler } from '../jobs/index.js';
import { flowBindings, type VendorIdReader } from './bindings.js';
import type { CompiledFlow } from './compile.js';
import { readFlowPayload, type FlowJobPayload } from './enqueue.js';

/** A running connection the action can be sent through (a daemon `ConnectionRuntime` fits). */
export interface FlowTarget extends ActionConnection {
  readonly connection: ConnectionInfo;
}

/** What running a flow job needs, by name: the flows, the actions, the running connections, the vendor-id map. */
export interface FlowJobDeps {
  flow(name: string): CompiledFlow | undefined;
  /** The declared flow names, for the message of a flow that is gone. */
  flowNames(): readonly string[];
  /** @throws CONNECTD_ERR_ACTION_NOT_FOUND */
  action(connector: string, name: string): CompiledAction;
  /** The connections of a connector running in this daemon. */
  connections(connector: string): readonly FlowTarget[];
  readonly vendorIds: VendorIdReader;
}

/** How a flow job ended when it did not fail. */
export interface FlowJobResult {
  readonly flow: string;
  readonly position: number;
  /** `done`: the action ran (or found an earlier success); `skipped`: the filter no longer matches (the flow changed since). */
  readonly outcome: 'done' | 'skipped';
  readonly connection?: string | undefined;
  readonly status?: number | undefined;
  readonly result?: unknown;
}

function targetOf(flow: CompiledFlow, payload: FlowJobPayload, deps: FlowJobDeps): FlowTarget {
  const { connector, connection } = flow.target;
  const { change } = payload;
  const running = deps.connections(connector);
  const found = connection === 'tenant' ? running.filter((c) => c.connection.tenant === change.tenant) : running.filter((c) => c.connection.id === connection.id);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw FLOWS_CONNECTION_NOT_FOUND({ flow: flow.name, position: payload.position, connector, tenant: change.tenant });
  const connections = found.map((c) => c.connection.id).join(', ');
  throw FLOWS_CONNECTION_AMBIGUOUS({ flow: flow.name, position: payload.position, connector, tenant: change.tenant, connections });
}

/**
 * The worker's handler of `flow` jobs: one attempt of a flow's action for one change. The filter
 * and input are evaluated here, with the config the daemon runs now (so a dead letter replayed
 * after a fix uses the fix), the target connection resolved, and the action run through the
 * action runtime (in-run retries, idempotency lookups). A vendor refusal (4xx) becomes
 * CONNECTD_ERR_FLOWS_ACTION_REFUSED with the vendor's answer: exit code 2, so the job is dead at
 * once, a dead letter of kind `flow`, never retried blindly; temporary failures retry with backoff.
 * @example
 * worker.handle(FLOW_JOB_KIND, flowJobHandler({ flow: (n) => flows.get(n), flowNames, action: (c, a) => project.action(c, a), connections, vendorIds }));
 */
export function flowJobHandler(deps: FlowJobDeps): JobHandler {
  return async (job, ctx): Promise<FlowJobResult> => {
    const payload = readFlowPayload(job.payload);
    const flow = deps.flow(payload.flow);
    if (flow === undefined) throw FLOWS_NOT_FOUND({ flow: payload.flow, known: deps.flowNames().join(', ') || 'none' });
    const { change, position } = payload;
    if (!(await flow.matches(change))) {
      ctx.log.info({ flow: flow.name, position }, 'flow skipped: its filter no longer matches the change');
      return { flow: flow.name, position, outcome: 'skipped' };
    }
    const target = targetOf(flow, payload, deps);
    const action = deps.action(flow.target.connector, flow.target.action);
    const input = await flow.input(change, flowBindings(flow.name, change, flow.target.connector, deps.vendorIds));
    try {
      const done = await runAction({ action, connection: target, input, signal: ctx.signal, log: ctx.log.child({ flow: flow.name, position }) });
      return { flow: flow.name, position, outcome: 'done', connection: target.connection.id, status: done.status, result: done.result };
    } catch (err) {
      if (!isConnectdError(err, ACTION_VENDOR_REJECTED.code)) throw err;
      const status = typeof err.details['status'] === 'number' ? err.details['status'] : 0;
      throw FLOWS_ACTION_REFUSED(
        { flow: flow.name, position, connector: action.connector, action: action.name, status, vendorError: err.details['vendorError'] },
        { cause: err },
      );
    }
  };
}
