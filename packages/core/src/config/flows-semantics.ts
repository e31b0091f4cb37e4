import { CONFIG_UNKNOWN_ENTITY, FLOWS_UNKNOWN_TARGET, didYouMean } from '../errors/index.js';
import { issueAt, type ConfigIssue, type IssueContext, type YamlPath } from './issues.js';

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The references of `flows:` a schema cannot check: the entity, the connectors and the action
 * must be declared (an action may come from a connector's preset, already merged here). Each
 * unknown name is reported at its own value with "did you mean". Whether the target connector is
 * active is not judged: an idle one leaves its flows idle at run time, it does not stop the daemon.
 */
export function checkFlows(config: Plain, ctx: IssueContext, entityNames: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isPlain(config.flows)) return issues;
  const connectors = isPlain(config.connectors) ? config.connectors : {};
  const connectorNames = Object.keys(connectors);
  const push = (code: string, path: YamlPath, message: string, suggestion?: string): void => {
    if (!ctx.skip(path)) issues.push(issueAt(ctx, code, path, 'value', message, suggestion));
  };
  const checkConnector = (flow: string, name: unknown, path: YamlPath): boolean => {
    if (typeof name !== 'string' || connectorNames.includes(name)) return typeof name === 'string';
    const error = FLOWS_UNKNOWN_TARGET({ flow, what: 'connector', name, known: connectorNames.join(', ') || 'none' });
    push(error.code, path, error.message, didYouMean(name, connectorNames));
    return false;
  };
  for (const [flow, body] of Object.entries(config.flows)) {
    if (!isPlain(body)) continue;
    const base: YamlPath = ['flows', flow];
    if (isPlain(body.when)) {
      const entity = body.when.entity;
      if (typeof entity === 'string' && /^[a-z][a-z0-9_]*$/.test(entity) && !entityNames.includes(entity)) {
        const message = `unknown entity "${entity}"; declare it under entities: or use ${entityNames.join(', ')}`;
        push(CONFIG_UNKNOWN_ENTITY.code, [...base, 'when', 'entity'], message, didYouMean(entity, entityNames));
      }
      checkConnector(flow, body.when.connector, [...base, 'when', 'connector']);
    }
    if (!isPlain(body.then)) continue;
    const target = body.then.connector;
    if (!checkConnector(flow, target, [...base, 'then', 'connector']) || typeof body.then.action !== 'string') continue;
    const declared = connectors[target as string];
    const actions = isPlain(declared) && isPlain(declared.actions) ? Object.keys(declared.actions) : [];
    const action = body.then.action;
    if (actions.includes(action)) continue;
    const error = FLOWS_UNKNOWN_TARGET({ flow, what: 'action', name: action, known: actions.length === 0 ? `none on connector "${String(target)}"` : actions.join(', ') });
    push(error.code, [...base, 'then', 'action'], error.message, didYouMean(action, actions));
  }
  return issues;
}
