import { Client } from 'pg';

/** the rows of one statement on the stack's database, on a connection of its own (what a test inspects behind the graph) */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads the columns it selected
export async function sqlRows(databaseUrl: string, sql: string, params: unknown[] = []): Promise<any[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}
