import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/**
 * Runs services as child processes (TypeScript through tsx), each line of their output prefixed
 * with the service name. Used by `npm start`, the process-level tests and the benchmarks.
 */

export const ROOT = path.join(__dirname, '..');

export interface ServiceSpec {
  name: string;
  /** entry file relative to the repository root */
  entry: string;
  args?: string[];
  /** flags for node itself, e.g. heap limits */
  nodeArgs?: string[];
  env: Record<string, string | undefined>;
}

/**
 * The gateway's heap is capped: its live set is small (caches are bounded), and without a cap V8
 * lets the old generation grow to several hundred MB under load before collecting (measured: RSS
 * 365 MB uncapped, ~200 MB with the cap, same throughput; see bench/results). 256 MB holds the
 * ~40 MB base and the ~100 MB one `subjects(usccs:)` of 500 full profiles needs at its peak (at
 * 128 MB that request crashed the process); useAdmission keeps several from coinciding.
 */
export const GATEWAY_NODE_ARGS = ['--max-old-space-size=256'];

export interface RunningService {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WritableStream, quiet: boolean): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    if (quiet) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

export function startService(spec: ServiceSpec, options: { quiet?: boolean } = {}): RunningService {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', path.join(ROOT, spec.entry), ...(spec.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(spec.name, child.stdout, process.stdout, options.quiet ?? false);
  prefixLines(spec.name, child.stderr, process.stderr, options.quiet ?? false);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: spec.name, child, exited };
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitForOk(url: string, service: RunningService, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.name} exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs} ms`);
}

/** Waits until a TCP port accepts connections (for services that speak no HTTP). */
export async function waitForPort(port: number, service: RunningService, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.name} exited before it was ready`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} did not open port ${port} within ${timeoutMs} ms`);
}

export async function stopAll(services: RunningService[], signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill(signal);
      const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
