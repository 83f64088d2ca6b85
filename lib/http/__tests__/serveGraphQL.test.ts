import net from 'node:net';
import { ApolloServer } from '@apollo/server';
import { createGraphQLListener, listen, type Listening, type ServerLimits } from '../serveGraphQL';

/**
 * The HTTP face's own protections (issue 17 #6), on a real socket: a body or headers sent too
 * slowly are answered 408 and the connection closed; connections beyond the cap are closed as they
 * arrive. Small limits here; the defaults are DEFAULT_SERVER_LIMITS.
 */

let apollo: ApolloServer;
const servers: Listening[] = [];

beforeAll(async () => {
  apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
  await apollo.start();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close(0)));
  await apollo.stop();
});

async function serve(limits: Partial<ServerLimits>): Promise<Listening> {
  const listening = await listen(createGraphQLListener({ apollo, context: async () => ({}) }), 0, '127.0.0.1', limits);
  servers.push(listening);
  return listening;
}

/** A raw connection: what it was sent back, and a promise that settles when the server closes it. */
function connect(port: number): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => undefined); // a reset is one way of being closed
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

const QUERY = JSON.stringify({ query: '{ ok }' });
const request = (body = QUERY) => `POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('slow clients', () => {
  const limits = { headersTimeoutMs: 100, requestTimeoutMs: 200, connectionsCheckingIntervalMs: 20 };

  it('answers a body that stops arriving with 408 and closes the connection', async () => {
    const { port } = await serve(limits);
    const client = await connect(port);
    // headers complete, 10 of 100 announced body bytes, then nothing more (slow loris)
    client.socket.write(`POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers headers that stop arriving with 408 and closes the connection', async () => {
    const { port } = await serve(limits);
    const client = await connect(port);
    client.socket.write('POST /graphql HTTP/1.1\r\nHost: test\r\n');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still serves a request sent at once', async () => {
    const { port } = await serve(limits);
    const client = await connect(port);
    client.socket.end(request());
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 [\s\S]*"ok":true/);
  });
});

describe('connection cap', () => {
  it('closes connections beyond the cap without serving them, and serves again once one is gone', async () => {
    const { port, server } = await serve({ maxConnections: 2 });
    const held = [await connect(port), await connect(port)];
    // both are served over keep-alive connections that stay open
    for (const client of held) {
      client.socket.write(request());
      await new Promise<void>((r) => client.socket.once('data', () => r()));
      expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    }
    const refused = await connect(port);
    refused.socket.write(request());
    await refused.closed;
    expect(refused.received()).toBe('');

    held[0].socket.destroy();
    while ((await new Promise<number>((r) => server.getConnections((_e, n) => r(n)))) > 1) await new Promise((r) => setImmediate(r));
    const next = await connect(port);
    next.socket.end(request());
    await next.closed;
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
    held[1].socket.destroy();
  });
});
