#!/usr/bin/env node
// Benchmark of the HTTP runtime: requests per second through the whole stack (bearer auth, a
// token bucket set very high, breaker, retry, request log at info written
// to /dev/null) against raw `undici.request`, both on keep-alive pools, against the same loopback
// server, in the same run. Prints both figures and their ratio (target >= 0.85).
//
// Runs on the built dist: `tsc -b && node packages/core/bench/http.mjs [--requests N] [--concurrency C] [--rounds R]`
// (N requests per side, default 20,000, in R alternating pairs, default 10).
// The server runs in a child process so it does not share the client's event loop.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Agent, request } from 'undici';

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--serve') {
  const payload = JSON.stringify({ items: [{ id: 1, sku: 'A-1', quantity: 3 }], next: null });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

async function main() {
  const requests = option('requests', 20_000);
  const concurrency = option('concurrency', 32);
  const rounds = option('rounds', 10);

  const { createConnectionClient, createRateLimiter } = await import('../dist/http/index.js');
  const { createLogger, SecretValues } = await import('../dist/log/index.js');

  const child = fork(here, ['--serve'], { stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  const url = `http://127.0.0.1:${port}/items?page=1&limit=100`;

  const token = 'bench-secret-token-0123456789';
  const secrets = new SecretValues();
  secrets.add(token); // as in the daemon: known secrets are scrubbed from every log line
  const log = createLogger({ level: 'info', secrets, destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const auth = {
    authorize: async (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } }),
  };
  const client = createConnectionClient({
    name: 'bench:local',
    log: log.child({ connector: 'bench' }),
    auth,
    rateLimiter: createRateLimiter({ rate: '1000000/s', burst: 1_000_000 }),
    retry: {},
    breaker: {},
  });
  const rawAgent = new Agent();

  const raw = async () => {
    const res = await request(url, { dispatcher: rawAgent, headers: { authorization: `Bearer ${token}` } });
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  };
  const stack = async () => {
    const res = await client.send({ method: 'GET', url });
    res.json();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  };

  async function measure(fn, count) {
    let next = 0;
    const start = performance.now();
    const worker = async () => {
      while (next < count) {
        next++;
        await fn();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return count / ((performance.now() - start) / 1000);
  }

  // Warm up both paths (JIT, pools, the child's server) before measuring.
  await measure(raw, 2_000);
  await measure(stack, 2_000);

  // The machine is shared and noisy, so the run is cut into short pairs (raw then stack, or stack
  // then raw, alternating) and the headline is the median of the per-pair ratios: both halves of a
  // pair see the same load, and the median drops pairs a burst of outside work disturbed.
  const perRound = Math.max(1, Math.floor(requests / rounds));
  const rawRates = [];
  const stackRates = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      rawRates.push(await measure(raw, perRound));
      stackRates.push(await measure(stack, perRound));
    } else {
      stackRates.push(await measure(stack, perRound));
      rawRates.push(await measure(raw, perRound));
    }
  }
  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const ratios = rawRates.map((r, i) => stackRates[i] / r);
  const ratio = median(ratios);
  // Whole-run rates: all requests over all time spent on each side.
  const overall = (rates) => (perRound * rates.length) / rates.reduce((sum, rate) => sum + perRound / rate, 0);

  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`http bench: ${perRound * rounds} requests per side in ${rounds} alternating pairs, concurrency ${concurrency}, loopback server in a child process`);
  console.log(`  raw undici.request : ${fmt(overall(rawRates))} req/s`);
  console.log(`  connectd stack     : ${fmt(overall(stackRates))} req/s  (bearer auth, token bucket, breaker, retry, request log at info)`);
  console.log(`  pair ratios        : ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  console.log(`  ratio (median)     : ${ratio.toFixed(3)}  (target >= 0.85: ${ratio >= 0.85 ? 'met' : 'NOT met'})`);

  await client.close();
  await rawAgent.close();
  child.disconnect();
}
