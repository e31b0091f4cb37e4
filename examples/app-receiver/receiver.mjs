#!/usr/bin/env node
// A minimal app backend that hears about every change connectd makes: node:http, no framework.
// connectd POSTs each event signed per Standard Webhooks (https://www.standardwebhooks.com); this
// receiver checks the signature and the timestamp, drops redeliveries by `webhook-id`, and prints
// the event.
//
//   APP_EVENTS_SECRET=whsec_... node examples/app-receiver/receiver.mjs [port]     (default 4000)
//
// It listens on 127.0.0.1 and answers POST /connectd-events: 204 for an event it took, 401 for a
// request whose signature does not hold (connectd retries anything but 2xx and 410, so answer 2xx
// only once the event is safe with you). Copy `verify` into your app; keep `seen` in your database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const PATH = '/connectd-events';
/** How far the signed timestamp may be from this clock (the specification suggests 5 minutes). */
const TOLERANCE_S = 5 * 60;
const BODY_LIMIT_BYTES = 1024 * 1024;

const secret = process.env.APP_EVENTS_SECRET ?? '';
const port = Number(process.argv[2] ?? process.env.APP_PORT ?? '4000');
if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
  console.error('APP_EVENTS_SECRET must be the destination secret, whsec_<base64> (the same value connectd signs with)');
  process.exit(1);
}
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');

/**
 * Standard Webhooks verification: `webhook-signature` holds one or more `v1,<base64>` entries, each
 * an HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed by the bytes after `whsec_`.
 * Resolves undefined when the request holds, else why not.
 */
function verify(headers, body, nowS) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return 'webhook-id, webhook-timestamp or webhook-signature missing';
  if (!/^\d+$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > TOLERANCE_S) return 'timestamp too old or too new (replayed?)';
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) return false;
    const given = Buffer.from(signature, 'base64');
    // timingSafeEqual throws on different lengths: compare lengths first.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? undefined : 'no signature matches';
}

/** One line per event: what changed, for which key, at which position of the change feed. */
function describe(event) {
  const { type, data } = event;
  if (data.position === undefined) return `${type} ${data.connector ?? '-'}/${data.connection ?? '-'}${data.reason ? `: ${data.reason}` : ''}`;
  const where = `${data.key} (tenant ${data.tenant}, position ${data.position})`;
  if (data.operation !== 'updated') return `${type} ${where}: ${JSON.stringify(data.after ?? data.before)}`;
  const changed = Object.keys({ ...data.before, ...data.after }).filter((k) => JSON.stringify(data.before?.[k]) !== JSON.stringify(data.after?.[k]));
  return `${type} ${where}: ${changed.map((k) => `${k} ${JSON.stringify(data.before?.[k])} -> ${JSON.stringify(data.after?.[k])}`).join(', ')}`;
}

// Event ids taken so far: connectd delivers at least once, so a repeat is possible (same webhook-id).
const seen = new Set();

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== PATH) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    // The signature covers the exact bytes: verify before parsing.
    const body = Buffer.concat(chunks).toString('utf8');
    const refused = verify(req.headers, body, Math.floor(Date.now() / 1000));
    if (refused !== undefined) {
      console.log(`refused a request: ${refused}`);
      res.writeHead(401).end();
      return;
    }
    const id = req.headers['webhook-id'];
    if (seen.has(id)) {
      console.log(`duplicate ${id}, already taken`);
      res.writeHead(204).end();
      return;
    }
    seen.add(id);
    console.log(`event ${describe(JSON.parse(body))} [${id}]`);
    res.writeHead(204).end();
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`app receiver listening on http://127.0.0.1:${server.address().port}${PATH}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.log(`${signal}: ${seen.size} events taken; stopping`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
