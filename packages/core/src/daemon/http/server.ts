import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DAEMON_BAD_REQUEST, DAEMON_NOT_FOUND, INTERNAL, isConnectdError, type ConnectdError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { checkAdminToken } from './admin-auth.js';
import type { DaemonMetrics } from './metrics.js';

/** Request bodies the admin API accepts; webhooks set their own limit per route. */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpServerDeps {
  readonly log: Logger;
  readonly metrics: DaemonMetrics;
  readonly adminToken: string | undefined;
  /** True when the store answers and every migration is applied. */
  isReady(): Promise<boolean>;
  /** The JSON `GET /api/status` returns; it must hold no secret. */
  status(): Promise<unknown>;
  /** Registers more public routes (webhooks, OAuth) on the server. */
  readonly routes?: ReadonlyArray<(app: FastifyInstance) => void | Promise<void>>;
  /** Registers more admin routes under `/api`, behind the admin token. */
  readonly apiRoutes?: ReadonlyArray<(api: FastifyInstance) => void | Promise<void>>;
}

function reply(error: ConnectdError): { statusCode: number; body: { code: string; message: string } } {
  return { statusCode: error.httpStatus, body: { code: error.code, message: error.message } };
}

/**
 * Builds the daemon's HTTP server: health, readiness, metrics, and the admin API behind a bearer
 * token. Later areas (webhooks, OAuth, actions) register their routes on the returned instance.
 * @example
 * const app = buildHttpServer(deps); await app.listen({ port: 3000 });
 */
export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  app.addHook('onResponse', async (request, response) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url ?? request.url, status: response.statusCode, ms: Math.round(response.elapsedTime) }, 'request');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, response) => {
    const ready = await deps.isReady().catch(() => false);
    deps.metrics.ready.set(ready ? 1 : 0);
    return response.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });

  app.get('/metrics', async (_request, response) => {
    const text = await deps.metrics.registry.metrics();
    return response.header('content-type', deps.metrics.registry.contentType).send(text);
  });

  app.register(
    async (api) => {
      api.addHook('onRequest', async (request, response) => {
        const denied = checkAdminToken(deps.adminToken, request.headers.authorization);
        if (denied !== undefined) {
          const { statusCode, body } = reply(denied);
          return response.code(statusCode).send(body);
        }
        return undefined;
      });
      api.get('/status', async () => deps.status());
      for (const register of deps.apiRoutes ?? []) await register(api);
    },
    { prefix: '/api' },
  );

  for (const register of deps.routes ?? []) app.register(async (scope) => register(scope));

  app.setNotFoundHandler(async (request, response) => {
    const { statusCode, body } = reply(DAEMON_NOT_FOUND({ method: request.method, url: request.url.split('?')[0] ?? '' }));
    return response.code(statusCode).send(body);
  });

  app.setErrorHandler(async (error, request, response) => {
    if (isConnectdError(error)) {
      const { statusCode, body } = reply(error);
      if (statusCode >= 500) request.log.error({ err: error }, error.message);
      return response.code(statusCode).send(body);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const coded = DAEMON_BAD_REQUEST({ reason: (error as Error).message }, { cause: error });
      return response.code(status).send({ code: coded.code, message: coded.message });
    }
    const internal = INTERNAL({ message: 'request failed' }, { cause: error });
    request.log.error({ err: error, code: internal.code }, 'request failed');
    return response.code(500).send({ code: internal.code, message: internal.message });
  });

  return app;
}
