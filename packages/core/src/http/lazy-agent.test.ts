import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherSource, LazyAgent } from './lazy-agent.js';

let server: Server;
let origin: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('LazyAgent', () => {
  it('makes one agent for callers that arrive together, sends through it, and closes it', async () => {
    const agent = new LazyAgent({ connections: 2 });
    const [a, b] = await Promise.all([agent.get(), agent.get()]);
    expect(a).toBe(b);
    const answer = await a.request({ origin, path: '/', method: 'GET' });
    expect([answer.statusCode, await answer.body.text()]).toEqual([200, 'ok']);
    expect(requests).toBe(1);
    await agent.close();
    await expect(a.request({ origin, path: '/', method: 'GET' })).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
    expect(requests).toBe(1);
  });

  it('closes without making an agent when none was asked for', async () => {
    const agent = new LazyAgent({});
    await expect(agent.close()).resolves.toBeUndefined();
  });

  it("DispatcherSource closes the agent it made, and leaves a caller's dispatcher open for its owner", async () => {
    const own = new DispatcherSource(undefined, {});
    const made = await own.get();
    expect(await own.get()).toBe(made);
    await own.close();
    await expect(made.request({ origin, path: '/', method: 'GET' })).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });

    const callers = new LazyAgent({});
    const given = new DispatcherSource(callers, {});
    const dispatcher = await given.get();
    expect(dispatcher).toBe(await callers.get());
    await given.close();
    const answer = await dispatcher.request({ origin, path: '/', method: 'GET' });
    expect(await answer.body.text()).toBe('ok');
    await callers.close();
  });
});
