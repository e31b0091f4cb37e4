import { FLOW_JOB_KIND, flowJobHandler, FlowRunner, type FlowTarget } from '../flows/index.js';
import type { Logger } from '../log/index.js';
import type { Project } from '../project/index.js';
import { vendorIdsOf, type Database } from '../store/index.js';
import type { Engine } from './engine.js';

/**
 * The daemon's flows: the `flow` job handler on the engine's worker and the runner that feeds the
 * change feed to the flows whose target connector is active. A flow whose target is idle (its
 * variables are not set) is logged and left out: it never stops the daemon.
 */
export function createFlows(options: { readonly project: Project; readonly db: Database; readonly engine: Engine; readonly log: Logger; readonly pollIntervalMs: number }): FlowRunner {
  const { project, db, engine } = options;
  const log = options.log.child({ component: 'flows' });
  const active = project.activeFlows();
  for (const flow of project.flows()) {
    if (!active.includes(flow)) log.warn({ flow: flow.name, connector: flow.target.connector }, 'flow is idle: its target connector is idle');
  }
  const byName = new Map(project.flows().map((flow) => [flow.name, flow]));
  engine.worker.handle(
    FLOW_JOB_KIND,
    flowJobHandler({
      flow: (name) => byName.get(name),
      flowNames: () => [...byName.keys()],
      action: (connector, name) => project.action(connector, name),
      connections: (connector): FlowTarget[] => engine.runtimes.all().filter((runtime) => runtime.connector === connector),
      vendorIds: (query) => vendorIdsOf(db, query),
    }),
  );
  return new FlowRunner({ db, flows: active, log, pollIntervalMs: options.pollIntervalMs, onQueued: () => engine.worker.wake() });
}
