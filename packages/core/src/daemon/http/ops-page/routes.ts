import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DAEMON_UI_REFUSED, isConnectdError } from '../../../errors/index.js';
import { APP_CSS, APP_JS } from './assets.js';
import { gatherContext } from './context.js';
import { disabledPage, loginPage, refusedPage } from './html.js';
import { page, panels, type Notice } from './panels.js';
import { csrfToken, csrfValid, issueSession, loginAllowed, originAllowed, sessionCookie, sessionFromCookies, sessionValid } from './session.js';
import type { OperationsPageDeps } from './types.js';

/** Form bodies the page posts are a few fields; anything larger is refused before it is read. */
const FORM_BODY_LIMIT_BYTES = 16 * 1024;
/** Letters replayed by one "replay all of a stream" press. */
const REPLAY_ALL_LIMIT = 1_000;
const ID = /^[1-9][0-9]{0,18}$/;

/** The page's headers: nothing inline runs, nothing frames it, nothing is cached. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const html = (response: FastifyReply, status: number, body: string): FastifyReply => response.code(status).type('text/html; charset=utf-8').send(body);

/** A replay's counts as the notice after the redirect: numbers only, so the query can carry no text. */
function replayNotice(query: Record<string, string | undefined>): Notice | undefined {
  if (query['done'] !== 'replay') return undefined;
  const n = (key: string): number => (/^\d{1,9}$/.test(query[key] ?? '') ? Number(query[key]) : 0);
  const parts = [`Replayed ${n('n')} dead letter${n('n') === 1 ? '' : 's'}.`];
  if (n('again') > 0) parts.push(`${n('again')} failed again (new letters).`);
  if (n('skipped') > 0) parts.push(`${n('skipped')} cannot be replayed now.`);
  if (n('gone') > 0) parts.push(`${n('gone')} were no longer open.`);
  return { kind: n('again') + n('skipped') > 0 ? 'error' : 'ok', text: parts.join(' ') };
}

/**
 * The operations page: `GET /` (redirects), `GET /ui`, `GET /ui/fragment`, `GET /ui/app.js` and
 * `/ui/app.css`, and the forms `POST /ui/login`, `/ui/logout`, `/ui/replay`, `/ui/reconnect`.
 * Behind the admin token through a login form and a stateless session cookie (session.ts); every
 * state-changing form carries the session's CSRF token, and a foreign `Origin` is refused. With no
 * admin token configured the page answers 403 and stays closed. Handlers only parse and delegate
 * to the deps, which the composition root points at the config it runs.
 * @example
 * buildHttpServer({ ..., routes: [operationsPageRoutes({ adminToken, log, status: () => …, … })] });
 */
export function operationsPageRoutes(deps: OperationsPageDeps): (app: FastifyInstance) => void {
  const now = (): number => (deps.now ?? Date.now)();
  const secure = deps.publicUrl?.startsWith('https:') === true;
  const token = deps.adminToken === '' ? undefined : deps.adminToken;

  /** The request's valid session, or undefined. */
  const sessionOf = (request: FastifyRequest): string | undefined => {
    const value = sessionFromCookies(request.headers.cookie);
    return value !== undefined && sessionValid(token, value, now()) ? value : undefined;
  };

  /** A state-changing form: a session, its CSRF token, and no foreign Origin; else the coded refusal. */
  const checkForm = (request: FastifyRequest, response: FastifyReply, form: URLSearchParams): string | undefined => {
    if (token === undefined) return void html(response, 403, disabledPage());
    const session = sessionOf(request);
    if (session === undefined) return void html(response, 401, loginPage('Your session ended; sign in again.'));
    const refusal = !originAllowed(request.headers.origin, request.headers.host, deps.publicUrl)
      ? DAEMON_UI_REFUSED({ reason: 'the form was posted from another origin' })
      : !csrfValid(token, session, form.get('csrf'))
        ? DAEMON_UI_REFUSED({ reason: 'the form carried no valid CSRF token for this session' })
        : undefined;
    if (refusal === undefined) return session;
    request.log.warn({ code: refusal.code, route: request.routeOptions.url }, 'operations page refused a form');
    return void html(response, 403, refusedPage(refusal.code, refusal.message));
  };

  const renderPage = async (response: FastifyReply, session: string, status: number, notice?: Notice, link?: Parameters<typeof gatherContext>[2]): Promise<FastifyReply> =>
    html(response, status, page(await gatherContext(deps, csrfToken(token!, session), link), notice));

  return (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    app.addHook('onSend', async (request, response) => {
      if (request.url === '/ui' || request.url.startsWith('/ui/') || request.url.startsWith('/ui?')) for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.header(name, value);
    });
    const formOf = (request: FastifyRequest): URLSearchParams => (request.body instanceof URLSearchParams ? request.body : new URLSearchParams());

    app.get('/', async (_request, response) => response.redirect('/ui', 302));
    app.get('/ui/app.js', async (_request, response) => response.type('text/javascript; charset=utf-8').send(APP_JS));
    app.get('/ui/app.css', async (_request, response) => response.type('text/css; charset=utf-8').send(APP_CSS));

    app.get<{ Querystring: Record<string, string | undefined> }>('/ui', async (request, response) => {
      if (token === undefined) return html(response, 403, disabledPage());
      const session = sessionOf(request);
      if (session === undefined) return html(response, 401, loginPage());
      return renderPage(response, session, 200, replayNotice(request.query));
    });

    app.get('/ui/fragment', async (request, response) => {
      if (token === undefined) return html(response, 403, disabledPage());
      const session = sessionOf(request);
      if (session === undefined) return html(response, 401, '<p>Sign in again.</p>');
      return html(response, 200, panels(await gatherContext(deps, csrfToken(token, session))));
    });

    app.post('/ui/login', async (request, response) => {
      if (token === undefined) return html(response, 403, disabledPage());
      if (!originAllowed(request.headers.origin, request.headers.host, deps.publicUrl)) {
        const refusal = DAEMON_UI_REFUSED({ reason: 'the form was posted from another origin' });
        return html(response, 403, refusedPage(refusal.code, refusal.message));
      }
      if (!loginAllowed(token, formOf(request).get('token'))) {
        request.log.warn({ route: '/ui/login' }, 'operations page login refused: wrong admin token');
        return html(response, 401, loginPage('That is not the admin token.'));
      }
      return response.header('set-cookie', sessionCookie(issueSession(token, now()), { secure })).redirect('/ui', 303);
    });

    app.post('/ui/logout', async (request, response) => {
      if (checkForm(request, response, formOf(request)) === undefined) return response;
      return response.header('set-cookie', sessionCookie(undefined, { secure })).redirect('/ui', 303);
    });

    registerActions(app, { deps, checkForm, renderPage, formOf });
  };
}

/** What the two action forms share with the page's routes. */
interface ActionTools {
  readonly deps: OperationsPageDeps;
  checkForm(request: FastifyRequest, response: FastifyReply, form: URLSearchParams): string | undefined;
  renderPage(response: FastifyReply, session: string, status: number, notice?: Notice, link?: Parameters<typeof gatherContext>[2]): Promise<FastifyReply>;
  formOf(request: FastifyRequest): URLSearchParams;
}

/** `POST /ui/replay` (one letter, or all of a stream) and `POST /ui/reconnect` (a fresh connect link). */
function registerActions(app: FastifyInstance, tools: ActionTools): void {
  const { deps, checkForm, renderPage, formOf } = tools;
  app.post('/ui/replay', async (request, response) => {
    const form = formOf(request);
    const session = checkForm(request, response, form);
    if (session === undefined) return response;
    const id = form.get('id');
    const connection = form.get('connection');
    const stream = form.get('stream');
    let ids: string[];
    if (id !== null && ID.test(id)) ids = [id];
    else if (connection !== null && connection !== '' && stream !== null && stream !== '') ids = (await deps.deadLetters({ connectionId: connection, stream, limit: REPLAY_ALL_LIMIT })).map((l) => l.id);
    else return renderPage(response, session, 400, { kind: 'error', text: 'Choose a dead letter, or a stream, to replay.' });
    if (ids.length === 0) return response.redirect('/ui?done=replay&n=0', 303);
    const summary = await deps.replay(ids);
    const query = new URLSearchParams({ done: 'replay', n: String(summary.replayed), again: String(summary.failedAgain), skipped: String(summary.skipped.length), gone: String(summary.notOpen.length) });
    return response.redirect(`/ui?${query.toString()}`, 303);
  });

  app.post('/ui/reconnect', async (request, response) => {
    const form = formOf(request);
    const session = checkForm(request, response, form);
    if (session === undefined) return response;
    const id = form.get('connection') ?? '';
    const connection = (await deps.status()).connections.find((c) => c.id === id);
    if (connection === undefined) return renderPage(response, session, 404, { kind: 'error', text: 'No such connection runs in this daemon.' });
    try {
      const link = await deps.connectLink({ connector: connection.connector, id: connection.id, tenant: connection.tenant });
      return await renderPage(response, session, 200, { kind: 'ok', text: `A reconnect link for ${connection.id} is ready below: send it to the tenant.` }, { connection: connection.id, ...link });
    } catch (err) {
      if (!isConnectdError(err)) throw err;
      return renderPage(response, session, err.httpStatus >= 400 && err.httpStatus < 600 ? err.httpStatus : 500, { kind: 'error', text: `${err.code}: ${err.message}` });
    }
  });
}
