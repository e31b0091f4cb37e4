/**
 * flows/: rules that run a declared action on one connector when an entity changes (issue 15),
 * e.g. a storq stock change sets the Square count of the same SKU. `flows:` is compiled once at
 * load (`compileFlows`); the `FlowRunner` hands the change feed to the flows and queues one
 * durable `flow` job per (flow, change) in the transaction that advances its cursor; the job
 * (`flowJobHandler`) runs the action through actions/. docs/architecture.md, "Flows".
 */
export { compileFlows } from './compile.js';
export type { CompiledFlow, FlowBindings, FlowCompileIssue, FlowConnection } from './compile.js';
export { flowBindings, flowKey } from './bindings.js';
export type { VendorIdReader } from './bindings.js';
export { enqueueFlowJobs, readFlowPayload, FLOW_JOB_KIND, FLOW_JOB_MAX_ATTEMPTS, FLOW_PAGE_SIZE, FLOWS_CONSUMER } from './enqueue.js';
export type { FlowJobPayload } from './enqueue.js';
export { flowJobHandler } from './job.js';
export type { FlowJobDeps, FlowJobResult, FlowTarget } from './job.js';
export { FlowRunner } from './runner.js';
export type { FlowRunnerOptions } from './runner.js';
