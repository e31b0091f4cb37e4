// A child process for the store's process tests. Child processes cannot import TypeScript, so this
// loads the compiled store from packages/core/dist. It speaks JSON lines: one message per line on
// stdout; on stdin, a line "go" releases a waiting step so two children can act at the same moment.
//
//   node store-child.mjs migrate <distDir> <databaseUrl>   open, report {ready}, wait for "go", migrate, report {applied}
//   node store-child.mjs open <distDir> <dataDir>          open the embedded store, report {opened}, close
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [mode, distDir, target] = process.argv.slice(2);
const dist = pathToFileURL(`${distDir}/`);
const { openStore } = await import(new URL('store/index.js', dist).href);
const { createLogger } = await import(new URL('log/index.js', dist).href);

const log = createLogger({ level: 'silent', destination: { write() {} } });
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

try {
  if (mode === 'migrate') {
    const store = await openStore({ databaseUrl: target, dataDir: tmpdir(), log });
    send({ ready: true });
    await lines.next();
    const { applied } = await store.migrate();
    send({ applied });
    await store.close();
  } else if (mode === 'open') {
    const store = await openStore({ dataDir: target, log });
    send({ opened: true });
    await store.close();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (err) {
  send({ code: err?.code ?? null, details: err?.details ?? null, message: String(err?.message ?? err) });
  process.exitCode = 1;
}
process.stdin.destroy();
