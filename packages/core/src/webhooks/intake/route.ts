import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookRejectReason } from '../../connector/index.js';
import {
  INTERNAL,
  isConnectdError,
  WEBHOOK_BAD_JSON,
  WEBHOOK_BAD_REQUEST,
  WEBHOOK_BODY_TOO_LARGE,
  WEBHOOK_INBOX_UNAVAILABLE,
  WEBHOOK_METHOD_NOT_ALLOWED,
  WEBHOOK_NO_SECRET,
  WEBHOOK_SIGNATURE_MISMATCH,
  WEBHOOK_SIGNATURE_MISSING,
  WEBHOOK_TIMESTAMP_STALE,
  WEBHOOK_UNKNOWN_CONNECTOR,
  type ConnectdError,
} from '../../errors/index.js';
import { dedupeKeyOf, labelKeyOf } from '../keys.js';
import { GroupCommitter } from './group-commit.js';
import { pickHeaders } from './kept-headers.js';
import { parseJson } from '../../json/index.js';
import { prepareConnectors, WEBHOOK_ROUTE, type PreparedConnector } from './prepare.js';
import {
  DEFAULT_WEBHOOK_BODY_LIMIT_BYTES,
  UNKNOWN_CONNECTOR_LABEL,
  type InboxOutcome,
  type InboxRow,
  type WebhookIntakeDeps,
} from './types.js';

/** Methods answered with 405 on webhook routes (HEAD comes with GET). */
const OTHER_METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
/** Longest connector name echoed back in a 404. */
const MAX_ECHOED_NAME_CHARS = 64;
const EMPTY = Buffer.alloc(0);

const REJECTIONS: Readonly<Record<WebhookRejectReason, (d: { connector: string }) => ConnectdError>> = {
  missing: WEBHOOK_SIGNATURE_MISSING,
  mismatch: WEBHOOK_SIGNATURE_MISMATCH,
  stale: WEBHOOK_TIMESTAMP_STALE,
  no_secret: WEBHOOK_NO_SECRET,
};

function send(reply: FastifyReply, error: ConnectdError): FastifyReply {
  return reply.code(error.httpStatus).send({ code: error.code, message: error.message });
}

/**
 * Answers before the body is read. The client may still be sending it, so the connection is
 * closed after the answer (as fastify does for its own 413): otherwise the unread bytes would hold
 * a keep-alive socket open, and a server closing down would wait for it.
 */
function refuseUnread(request: FastifyRequest, reply: FastifyReply, error: ConnectdError): FastifyReply {
  const headers = request.headers;
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (hasBody) reply.header('connection', 'close');
  return send(reply, error);
}

/** JSON.parse messages quote the input; keep only the position, so no body text reaches a response or log. */
function jsonProblem(err: unknown): string {
  const position = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  return position === null ? 'syntax error' : `syntax error at position ${position[1]}`;
}

/**
 * Registers webhook intake on `app` (give it its own encapsulated scope: the raw-body content
 * parser and error handler set here stay local): `POST /webhooks/:connector`, each connector's
 * extra `path`, and 405 for other methods on them.
 *
 * Per request: unknown or idle connector → 404, before the body is read; body over the limit →
 * 413; signature refused → 401 and nothing stored; verified but not JSON → 400 and a dead letter;
 * otherwise the row (connector, routing key, dedupe key, event type, kept headers, raw body) is
 * committed through the group committer and only then answered: 202 `{ status: 'accepted', id }`,
 * or 200 `{ status: 'duplicate' }` when the dedupe key was stored before. A store failure answers
 * 503 so the vendor retries; nothing a client sends produces any other 5xx.
 * @example
 * buildHttpServer({ ...deps, routes: [(app) => registerWebhookIntake(app, {
 *   connectors, idleConnectors, inbox: createInboxWriter(store.db), log, metrics: createWebhookMetrics(registry),
 *   bodyLimitBytes: config.server?.body_limit_bytes, onAccepted: () => worker.wake(),
 * })] });
 */
export function registerWebhookIntake(app: FastifyInstance, deps: WebhookIntakeDeps): void {
  const globalLimit = deps.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT_BYTES;
  const connectors = prepareConnectors(deps.connectors, globalLimit);
  // A daemon that reloads its config hands in getters: the connectors are read per request and
  // prepared again when they are a new map. Routes and body limits stay as registered.
  let prepared = { from: deps.connectors, connectors };
  const current = (): Map<string, PreparedConnector> => {
    if (deps.connectors !== prepared.from) prepared = { from: deps.connectors, connectors: prepareConnectors(deps.connectors, globalLimit) };
    return prepared.connectors;
  };
  const { log, metrics } = deps;
  const committer = new GroupCommitter<InboxRow, InboxOutcome>((rows) => deps.inbox.insert(rows), deps.groupCommit);
  const maxLimit = Math.max(globalLimit, ...[...connectors.values()].map((c) => c.bodyLimitBytes));

  // Verification must see the bytes as sent: no JSON parser, whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxLimit }, (_request, body, done) => done(null, body));

  const connectorOf = (request: FastifyRequest): PreparedConnector | undefined => {
    const fixed = (request.routeOptions.config as { webhookConnector?: string }).webhookConnector;
    return current().get(fixed ?? (request.params as { connector?: string }).connector ?? '');
  };
  const labelOf = (request: FastifyRequest): string => connectorOf(request)?.name ?? UNKNOWN_CONNECTOR_LABEL;

  /** Refuses unknown connectors and declared oversize bodies before a byte of the body is read. */
  const screen = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const connector = connectorOf(request);
    if (connector === undefined) {
      const name = String((request.params as { connector?: string }).connector ?? '').slice(0, MAX_ECHOED_NAME_CHARS);
      metrics.received(UNKNOWN_CONNECTOR_LABEL);
      metrics.rejected(UNKNOWN_CONNECTOR_LABEL, 'unknown_connector');
      if (deps.idleConnectors?.has(name) === true) log.debug({ connector: name }, 'webhook for an idle connector refused');
      return refuseUnread(request, reply, WEBHOOK_UNKNOWN_CONNECTOR({ connector: name }));
    }
    metrics.received(connector.name);
    const declared = Number(request.headers['content-length']);
    if (declared > connector.bodyLimitBytes) {
      metrics.rejected(connector.name, 'too_large');
      return refuseUnread(request, reply, WEBHOOK_BODY_TOO_LARGE({ connector: connector.name, limitBytes: connector.bodyLimitBytes }));
    }
    return undefined;
  };

  const observe = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    metrics.intakeSeconds(labelOf(request), reply.elapsedTime / 1000);
  };

  const intake = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const connector = connectorOf(request)!; // screen() answered already when it is unknown
    const name = connector.name;
    const rawBody = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    if (rawBody.length > connector.bodyLimitBytes) {
      metrics.rejected(name, 'too_large');
      return send(reply, WEBHOOK_BODY_TOO_LARGE({ connector: name, limitBytes: connector.bodyLimitBytes }));
    }
    let verdict: ReturnType<PreparedConnector['verifier']['verify']>;
    try {
      verdict = connector.verifier.verify({ rawBody, headers: request.headers, url: `${request.protocol}://${request.host}${request.url}` });
    } catch (err) {
      // A verifier (plugin) that throws on odd input fails closed, like a mismatch.
      log.error({ err, connector: name }, 'webhook verifier failed; the delivery is refused');
      verdict = { ok: false, reason: 'mismatch' };
    }
    if (!verdict.ok) {
      const reason = verdict.reason in REJECTIONS ? verdict.reason : 'mismatch';
      metrics.rejected(name, reason);
      return send(reply, REJECTIONS[reason]({ connector: name }));
    }
    metrics.verified(name);

    let body: unknown;
    try {
      body = parseJson(rawBody.toString('utf8'));
    } catch (err) {
      const error = WEBHOOK_BAD_JSON({ connector: name, detail: jsonProblem(err) });
      try {
        await deps.inbox.keepUnparsable({ connector: name, rawBody, errorCode: error.code, reason: error.message });
      } catch (storeErr) {
        return unavailable(reply, name, storeErr);
      }
      metrics.rejected(name, 'bad_json');
      return send(reply, error);
    }

    const headers = request.headers;
    const eventType = labelKeyOf(connector.eventType?.(headers, body));
    const ignored = eventType !== null && connector.eventTypes !== undefined && !connector.eventTypes.has(eventType);
    const row: InboxRow = {
      connector: name,
      routingKey: labelKeyOf(connector.route?.(headers, body)),
      dedupeKey: dedupeKeyOf(connector.eventId?.(headers, body), rawBody),
      eventType,
      headers: pickHeaders(headers, connector.keptHeaders),
      rawBody,
      ...(ignored ? { status: 'ignored' as const } : {}),
    };
    let outcome: InboxOutcome;
    try {
      outcome = await committer.submit(row);
    } catch (err) {
      return unavailable(reply, name, err);
    }
    if (outcome.duplicate) {
      metrics.duplicate(name);
      return reply.code(200).send({ status: 'duplicate' });
    }
    metrics.accepted(name);
    if (!ignored && deps.onAccepted !== undefined) {
      try {
        deps.onAccepted(name);
      } catch (err) {
        // The row is committed; a worker that cannot be woken finds it on its next poll.
        log.warn({ err, connector: name }, 'waking the webhook worker failed');
      }
    }
    return reply.code(202).send({ status: 'accepted', id: outcome.id });
  };

  const unavailable = (reply: FastifyReply, connector: string, err: unknown): FastifyReply => {
    const error = WEBHOOK_INBOX_UNAVAILABLE({ connector }, { cause: err });
    metrics.rejected(connector, 'unavailable');
    log.error({ err, code: error.code, connector }, error.message);
    return send(reply, error);
  };

  const methodNotAllowed = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    metrics.rejected(labelOf(request), 'method');
    return refuseUnread(request, reply.header('allow', 'POST'), WEBHOOK_METHOD_NOT_ALLOWED({ method: request.method }));
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const connector = connectorOf(request);
    const label = connector?.name ?? UNKNOWN_CONNECTOR_LABEL;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      metrics.rejected(label, 'too_large');
      return send(reply, WEBHOOK_BODY_TOO_LARGE({ connector: label, limitBytes: connector?.bodyLimitBytes ?? maxLimit }));
    }
    if (isConnectdError(error)) return send(reply, error);
    const status = error.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      metrics.rejected(label, 'bad_request');
      return reply.code(status).send({ code: WEBHOOK_BAD_REQUEST.code, message: WEBHOOK_BAD_REQUEST({ reason: error.message }).message });
    }
    const internal = INTERNAL({ message: 'webhook intake failed' }, { cause: error });
    log.error({ err: error, code: internal.code }, 'webhook intake failed');
    return send(reply, internal);
  });

  const routes: Array<{ url: string; connector?: string; bodyLimit: number }> = [
    { url: WEBHOOK_ROUTE, bodyLimit: maxLimit },
    ...[...connectors.values()].flatMap((c) => (c.path === undefined ? [] : [{ url: c.path, connector: c.name, bodyLimit: c.bodyLimitBytes }])),
  ];
  for (const route of routes) {
    const config = route.connector === undefined ? {} : { webhookConnector: route.connector };
    app.route({ method: 'POST', url: route.url, bodyLimit: route.bodyLimit, config, onRequest: screen, onResponse: observe, handler: intake });
    // Answered in onRequest, so a PUT's body is never read.
    app.route({ method: OTHER_METHODS, url: route.url, config, onRequest: methodNotAllowed, handler: methodNotAllowed });
  }
}
