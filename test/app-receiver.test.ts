import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabases } from '@connectd/core/testing';
import { childEnv, repoRoot } from './support/daemon-process.js';
import { freshTarget, withStore } from './support/sync-project.js';

// Issue 15, item 4: examples/app-receiver runs against the daemon in one command, the way the
// README shows it. run.mjs starts the fake storq, the receiver and `connectd run`; this suite runs
// it and checks what the receiver printed against the change feed the daemon left in the store.

const run = join(repoRoot, 'examples', 'app-receiver', 'run.mjs');
const dbs = createTestDatabases();
afterAll(() => dbs.dispose());

function runExample(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [run], { cwd: repoRoot, env: childEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.each(['pglite' as const])('the app receiver example on %s', (backend) => {
  it('prints every change of the feed once, verified, in order per key, and refuses a forged event', async () => {
    const target = await freshTarget(backend, dbs);
    const result = await runExample({ ...target.env });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('app receiver example: all steps passed');
    expect(result.output).toMatch(/forged event: +refused \(401\)/);
    expect(result.output).toContain('[app] refused a request: no signature matches');
    expect(result.output).not.toMatch(/\[connectd\].*(destination is idle|not delivered)/);

    // Each line the receiver printed for a change, in the order it printed them.
    const printed = [...result.output.matchAll(/^ {2}\[app\] event (inventory_level\.\w+) (\S+) \(tenant (\S+), position (\d+)\)/gm)].map((m) => [Number(m[4]), m[1], m[2]]);
    const feed = await withStore(target, async (db) =>
      (await db.query<{ position: string; entity: string; operation: string; natural_key: string }>(`select position, entity, operation, natural_key from connectd.changes order by position`)).rows.map(
        (c) => [Number(c.position), `${c.entity}.${c.operation}`, c.natural_key],
      ),
    );
    expect(feed).toHaveLength(6);
    // Every change once; rows of different keys are delivered side by side, so only a key's own
    // changes have an order to keep.
    expect([...printed].sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(feed);
    expect(printed.filter((p) => p[2] === 'default/MUG-BLUE').map((p) => p[1])).toEqual(['inventory_level.created', 'inventory_level.updated']);
    expect(feed[5]).toEqual([6, 'inventory_level.updated', 'default/MUG-BLUE']);
    expect(result.output).toMatch(/^ {2}\[app\] event connection\.created storq\/storq /m);
    expect(result.output).not.toContain('duplicate');
  }, 240_000);
});
