import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The no-configuration database: one PGlite (PostgreSQL compiled to WASM) under ./data/, served
 * over the PostgreSQL wire protocol so that the platform, the department subgraphs and the gateway
 * all use the same `pg` code path as production. PGlite is single-connection; pglite-socket
 * multiplexes client connections onto it, queueing queries and keeping a transaction's queries
 * together. See README "Embedded database" for the measurements behind this choice.
 */

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  host?: string;
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  fs.mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, port: options.port, host, maxConnections: options.maxConnections ?? 100 });
  await server.start();
  const address = (server as unknown as { server?: import('node:net').Server }).server?.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `postgres://postgres@${host}:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
