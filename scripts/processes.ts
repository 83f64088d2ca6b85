import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
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
  /** emits 'line' for each line the service writes to stdout */
  stdoutLines: EventEmitter;
}

export interface StartOptions {
  /** drop the service's output (benchmarks) */
  quiet?: boolean;
  /**
   * Run the service in its own process group, so that a terminal's Ctrl-C (sent to the whole
   * foreground group) reaches only the parent, which then stops the services in order: the embedded
   * database last, after every process holding connections to it has exited.
   */
  ownProcessGroup?: boolean;
}

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WritableStream, options: { quiet: boolean; lines?: EventEmitter }): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      options.lines?.emit('line', line);
      if (!options.quiet) out.write(`[${name}] ${line}\n`);
    }
  });
}

export function startService(spec: ServiceSpec, options: StartOptions = {}): RunningService {
  // a folder per service, Node's own file names: the tsx loader's worker thread writes a profile
  // too, and under one fixed name it overwrote the main thread's (CPU.<date>.<pid>.0.<n>.cpuprofile)
  const profile = process.env.CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.CPU_PROF_DIR, spec.name)}`] : [];
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), ...profile, '--import', 'tsx', path.join(ROOT, spec.entry), ...(spec.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  const stdoutLines = new EventEmitter();
  prefixLines(spec.name, child.stdout, process.stdout, { quiet: options.quiet ?? false, lines: stdoutLines });
  prefixLines(spec.name, child.stderr, process.stderr, { quiet: options.quiet ?? false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: spec.name, child, exited, stdoutLines };
}

/**
 * Resolves when the service itself prints a line matching `pattern` (e.g. that its server is
 * listening); rejects when it exits first. Unlike polling a port, this cannot be fooled by another
 * process already listening there. Call it right after startService: earlier lines are not kept.
 */
export function waitForLine(service: RunningService, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error(`${service.name} did not print ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line: string) => {
      if (pattern.test(line)) settle(line);
    };
    const settle = (result: string | Error) => {
      clearTimeout(timer);
      service.stdoutLines.off('line', onLine);
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    service.stdoutLines.on('line', onLine);
    void service.exited.then(() => settle(new Error(`${service.name} exited before it was ready`)));
  });
}

/** A port some other process already holds: the first one found, else undefined. */
export async function portInUse(ports: readonly number[], host = '127.0.0.1'): Promise<number | undefined> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return port;
  }
  return undefined;
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
