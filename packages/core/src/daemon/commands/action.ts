import type { ActionInvocation } from '../../actions/index.js';
import { withForeground, type ForegroundOptions } from './foreground.js';

export interface ActionOnceOptions extends ForegroundOptions {
  readonly connector: string;
  readonly action: string;
  readonly input: unknown;
  readonly connectionId?: string | undefined;
}

/**
 * `connectd action`: invokes a declared action once in the foreground, through the same durable
 * job as `POST /api/actions/…`. A failed attempt that may be retried stays queued for the daemon's
 * workers (the invocation says `retrying`). Bad arguments and input throw coded errors (exit 2).
 * @example
 * const done = await actionOnce({ configPath, env, settings, connector: 'storq', action: 'create_order', input });
 */
export async function actionOnce(options: ActionOnceOptions): Promise<ActionInvocation> {
  return withForeground(options, (core) => core.engine.invokeAction(options.connector, options.action, options.input, { connectionId: options.connectionId, waitMs: 0 }));
}
