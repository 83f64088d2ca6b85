import type { Cluster } from '../harness/cluster';

/**
 * A bounded load through the balancer for the fault tests: `concurrency` clients each sending one
 * request after another until stopped. Every request is recorded with what the client got back, so
 * a test can count failures and find each acknowledged response's audit entries.
 */

export interface Sent {
  /** sequence number of the request, in the order they were sent */
  n: number;
  /** HTTP status, or 'no answer' when the connection failed */
  status: number | 'no answer';
  /** the gateway's request id of a 200 answer with its subject (an acknowledged response) */
  requestId: string | null;
  servedBy: string | null;
  /** a failed answer's first error code, to tell a balancer's refusal from a gateway's */
  code?: string;
}

export interface Load {
  sent: Sent[];
  /** requests sent but not yet answered */
  inFlight(): number[];
  /** resolves once `count` more answers have come back */
  answered(count: number): Promise<void>;
  stop(): Promise<Sent[]>;
}

export function startLoad(cluster: Cluster, token: string, concurrency = 4): Load {
  const sent: Sent[] = [];
  const pending = new Set<number>();
  let stopping = false;
  let next = 0;
  const waiters: { until: number; resolve(): void }[] = [];
  const record = (s: Sent) => {
    sent.push(s);
    pending.delete(s.n);
    for (const w of [...waiters]) if (sent.length >= w.until) waiters.splice(waiters.indexOf(w), 1), w.resolve();
  };
  const client = async () => {
    while (!stopping) {
      const n = next++;
      pending.add(n);
      const uscc = cluster.world.subject((n * 7919) % cluster.world.size).uscc;
      try {
        const res = await cluster.query(cluster.balancerUrl, `query Load${n} { subject(uscc: "${uscc}") { kind region { name } finance { loanBalance } } }`, { token });
        const acknowledged = res.status === 200 && res.body.data?.subject != null;
        const requestId = acknowledged ? res.headers.get('x-request-id') : null;
        record({ n, status: res.status, requestId, servedBy: res.headers.get('x-served-by'), ...(requestId ? {} : { code: res.body.errors?.[0]?.extensions?.code ?? res.body.errors?.[0]?.message }) });
      } catch {
        record({ n, status: 'no answer', requestId: null, servedBy: null });
      }
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    sent,
    inFlight: () => [...pending],
    answered: (count) => new Promise((resolve) => waiters.push({ until: sent.length + count, resolve })),
    async stop() {
      stopping = true;
      await Promise.all(clients);
      return sent;
    },
  };
}

/** Requests that did not get an acknowledged (200, subject present) answer. */
export const failed = (sent: Sent[]): Sent[] => sent.filter((s) => s.requestId === null);

/** Request ids of acknowledged answers whose audit entries are not in the ledger. */
export async function withoutEntries(cluster: Cluster, sent: Sent[]): Promise<string[]> {
  const ids = sent.flatMap((s) => (s.requestId ? [s.requestId] : []));
  const { rows } = await cluster.pool.query<{ request_id: string }>(`SELECT DISTINCT request_id FROM audit_entries WHERE request_id = ANY($1)`, [ids]);
  const found = new Set(rows.map((r) => r.request_id));
  return ids.filter((id) => !found.has(id));
}
