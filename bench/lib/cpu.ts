import type { BenchStack } from './stack';
import { round1 } from './stats';

/**
 * The CPU each process of the stack spent per request over a run (/proc, user + system): on two
 * cores, what a sequential request's critical path waits behind. Resolution is the kernel's
 * 10 ms tick over the whole run, so a run of n requests reads to about 10/n ms a request.
 */

export interface CpuPerRequest {
  /** ms of CPU per request, by service (processes that spent none left out) */
  byProcess: Record<string, number>;
  /** the stack's processes together (PostgreSQL and Redis, outside the stack, not counted) */
  totalMs: number;
  requests: number;
}

/** the peer gateways: idle while our gateway is measured, their timers and GC are not its requests' cost */
export const PEER_PROCESSES = ['plain-gateway', 'hive-gateway'];

export async function measureCpu<T>(
  stack: BenchStack,
  requestsOf: (result: T) => number,
  run: () => Promise<T>,
  options: { exclude?: readonly string[] } = {},
): Promise<{ result: T; cpu: CpuPerRequest }> {
  const before = stack.processCpuMs();
  const result = await run();
  const after = stack.processCpuMs();
  const requests = Math.max(1, requestsOf(result));
  const byProcess: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after)) {
    if (options.exclude?.includes(name)) continue;
    const spent = ms - (before[name] ?? ms);
    if (spent > 0) byProcess[name] = round1(spent / requests);
  }
  const totalMs = round1(Object.values(byProcess).reduce((a, b) => a + b, 0));
  return { result, cpu: { byProcess, totalMs, requests } };
}

/** "gateway 16.1, market 8.7, …" largest first */
export function describeCpu(cpu: CpuPerRequest): string {
  return Object.entries(cpu.byProcess)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name === 'legacy' ? 'stand-ins' : name} ${ms}`)
    .join(', ');
}
