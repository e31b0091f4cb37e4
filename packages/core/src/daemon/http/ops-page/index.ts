/**
 * The daemon's operations page (`/ui`): a small server-rendered page behind the admin token, with
 * a login form and a stateless session cookie; panels per concern, charts drawn as inline SVG from
 * the daemon's own samples, and a few KB of plain JS that refreshes the panels.
 */
export { operationsPageRoutes } from './routes.js';
export type { DeclaredRateLimit, OperationsPageDeps, OpsStatus } from './types.js';
export { SESSION_COOKIE, SESSION_TTL_MS } from './session.js';
