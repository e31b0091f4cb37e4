import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { DAEMON_BAD_REQUEST, DAEMON_NOT_FOUND, INTERNAL, isConnectdError, type ConnectdError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { checkAdminToken } from './admin-auth.js';
import { registerJsonBodyParser } from './json-body.js';
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

function isAdminPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Postgres keeps no NUL in text: a name, id or filter holding one could only end as a store
 * error (a 500), so a URL with one is refused as malformed on every route, before it is read.
 */
function encodedNulIn(url: string): ReturnType<typeof reply> | undefined {
  return /%00/i.test(url) ? reply(DAEMON_BAD_REQUEST({ reason: 'the URL holds an encoded NUL (%00), which no name, id or filter may contain' })) : undefined;
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
    // A path fastify cannot decode (`%c0%ae`) or a parameter past its length: refused in the
    // house format, with a code, instead of fastify's own body.
    frameworkErrors: (error, _request, response) => {
      const coded = DAEMON_BAD_REQUEST({ reason: error.message }, { cause: error });
      void (response as FastifyReply).code(error.statusCode ?? 400).send({ code: coded.code, message: coded.message });
    },
  });
  registerJsonBodyParser(app);

  // The route table, logged once at debug when the server is ready: what an operator (and the
  // security suite, which probes every route it lists) sees the daemon serve. HEAD routes are
  // fastify's copies of the GET ones.
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  app.addHook('onReady', async () => {
    deps.log.debug({ routes: [...routes].sort() }, 'HTTP routes');
  });

  // Before any route's own hooks (webhook intake answers in onRequest); /api paths are checked
  // in the admin scope, after the bearer.
  app.addHook('onRequest', async (request, response) => {
    const refused = isAdminPath(request.url) ? undefined : encodedNulIn(request.url);
    return refused === undefined ? undefined : response.code(refused.statusCode).send(refused.body);
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
        const refused = denied !== undefined ? reply(denied) : encodedNulIn(request.url);
        return refused === undefined ? undefined : response.code(refused.statusCode).send(refused.body);
      });
      api.get('/status', async () => deps.status());
      for (const register of deps.apiRoutes ?? []) await register(api);
    },
    { prefix: '/api' },
  );

  for (const register of deps.routes ?? []) app.register(async (scope) => register(scope));

  app.setNotFoundHandler(async (request, response) => {
    const path = request.url.split('?')[0] ?? '';
    // Under /api the bearer is checked first, as on the routes there: without it, a 404 for what
    // does not exist beside a 401 for what does would map the admin API for anyone.
    const denied = isAdminPath(path) ? checkAdminToken(deps.adminToken, request.headers.authorization) : undefined;
    const { statusCode, body } = reply(denied ?? DAEMON_NOT_FOUND({ method: request.method, url: path }));
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
