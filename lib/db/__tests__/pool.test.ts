import net from 'node:net';
import { createPool } from '../pool';
import { TEST_DATABASE_URL } from '../../../test/harness/database';

/**
 * A PostgreSQL that is slow to open a connection, once: the first connection is accepted and
 * never answered (a backend that took too long to fork on a loaded machine), every later one is
 * relayed to the real server.
 */
async function slowFirstConnect(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined).on('close', () => sockets.delete(client));
    if (connections++ === 0) return; // the stalled one
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy()).on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('a pool meeting a connection that does not open in time', () => {
  it("retries the query once on a fresh connection when asked to (the subgraphs' pools)", async () => {
    const pg = await slowFirstConnect();
    const pool = createPool(pg.url, { connectionTimeoutMillis: 300 }, { retryConnectTimeout: true });
    try {
      const { rows } = await pool.query<{ answer: number }>('SELECT 41 + 1 AS answer');
      expect(rows).toEqual([{ answer: 42 }]);
      expect(pg.connections()).toBe(2);
    } finally {
      await pool.end();
      await pg.close();
    }
  });

  it('fails the query at once otherwise (the ledger fails closed fast)', async () => {
    const pg = await slowFirstConnect();
    const pool = createPool(pg.url, { connectionTimeoutMillis: 300 });
    try {
      await expect(pool.query('SELECT 1')).rejects.toThrow('Connection terminated due to connection timeout');
      expect(pg.connections()).toBe(1);
    } finally {
      await pool.end();
      await pg.close();
    }
  });

  it('does not retry a query the server refused (it ran, or may have)', async () => {
    const pg = await slowFirstConnect();
    const pool = createPool(pg.url, { connectionTimeoutMillis: 300 }, { retryConnectTimeout: true });
    try {
      await pool.query('SELECT 1'); // past the stalled connection
      await expect(pool.query('SELECT * FROM no_such_table_here')).rejects.toThrow(/does not exist/);
      expect(pg.connections()).toBe(2);
    } finally {
      await pool.end();
      await pg.close();
    }
  });
});
