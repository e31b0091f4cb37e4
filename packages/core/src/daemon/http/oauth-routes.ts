import type { FastifyInstance, FastifyReply } from 'fastify';
import { isConnectdError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { OAUTH_PAGE_HEADERS, oauthErrorPage, oauthSuccessPage, type ConsentFlow } from '../../oauth/index.js';
import type { ConnectionRecord } from '../../store/index.js';

export interface OAuthRoutesDeps {
  readonly consent: ConsentFlow;
  readonly log: Logger;
  /** Runs the new (or reconnected) connection in this daemon. */
  onConnected(connection: ConnectionRecord): Promise<void>;
  /** Where to send the browser after a successful connection; a short page when unset. */
  readonly successUrl?: string | undefined;
}

/** Routes addressed by a connector's key. */
type ByConnector = { Params: { connector: string } };

function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
}

function page(response: FastifyReply, status: number, body: string): FastifyReply {
  return response.code(status).headers(OAUTH_PAGE_HEADERS).send(body);
}

/**
 * `GET /oauth/:connector/start?session=…` (302 to the vendor's consent page) and
 * `GET /oauth/:connector/callback` (the vendor sends the browser back here). They are public: the
 * start link's connect session (signed, single use, made by `connectd connect` or
 * `POST /api/connect-sessions`) and the callback's signed, single-use state are the protection.
 * They answer people, so failures are short HTML pages with the right status and the error code,
 * never a token: a start without a valid session is a 401 page saying how links are made, with no
 * redirect and nothing stored.
 * @example
 * buildHttpServer({ ..., routes: [oauthRoutes({ consent, log, onConnected: (c) => engine.attach(c) })] });
 */
export function oauthRoutes(deps: OAuthRoutesDeps): (app: FastifyInstance) => void {
  const fail = (response: FastifyReply, err: unknown, step: string): FastifyReply => {
    if (!isConnectdError(err)) throw err;
    const { status, html } = oauthErrorPage(err);
    if (status >= 500) deps.log.error({ err, code: err.code, step }, 'OAuth flow failed');
    else deps.log.warn({ code: err.code, step }, 'OAuth request refused');
    return page(response, status, html);
  };
  return (app) => {
    app.get<ByConnector>('/oauth/:connector/start', async (request, response) => {
      const { connector } = request.params;
      try {
        const { location } = await deps.consent.start(connector, queryOf(request.url));
        return response.code(302).header('cache-control', 'no-store').header('location', location).send();
      } catch (err) {
        return fail(response, err, 'start');
      }
    });

    app.get<ByConnector>('/oauth/:connector/callback', async (request, response) => {
      const { connector } = request.params;
      let connection: ConnectionRecord;
      try {
        ({ connection } = await deps.consent.callback(connector, queryOf(request.url)));
      } catch (err) {
        return fail(response, err, 'callback');
      }
      await deps.onConnected(connection);
      if (deps.successUrl !== undefined) {
        const target = new URL(deps.successUrl);
        target.searchParams.set('connector', connection.connector);
        target.searchParams.set('tenant', connection.tenantId);
        target.searchParams.set('connection', connection.id);
        return response.code(302).header('cache-control', 'no-store').header('location', target.toString()).send();
      }
      return page(response, 200, oauthSuccessPage());
    });
  };
}
