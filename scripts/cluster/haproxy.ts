import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * HAProxy (Debian's package) in front of every replicated part: one frontend per part on
 * 127.0.0.1, round-robin over its replicas, health-checked, and configured so that a replica going
 * away (SIGKILL, or SIGTERM closing its listener while it drains) costs the client nothing when the
 * request never reached it: a refused connection or a reused keep-alive connection closed under
 * it is retried on the other replica (`retry-on conn-failure empty-response`, `redispatch 1`).
 * A request the dead replica had started is not retried after it answered nothing but a timeout.
 */

export interface Backend {
  /** part name, e.g. `gateway` or `market` */
  name: string;
  /** the port clients use */
  frontendPort: number;
  /** the replicas' ports on 127.0.0.1 */
  serverPorts: number[];
  /** health route: /readyz for gateways (200 once it can serve), /healthz for subgraphs */
  healthPath: string;
}

export interface HaproxyOptions {
  backends: Backend[];
  /** health-check interval; a replica is down after 3 failed checks, up after `rise` good ones */
  checkIntervalMs?: number;
  rise?: number;
}

/** Server name of replica `i` of a part, also sent back in the `x-served-by` response header. */
export const serverName = (part: string, i: number): string => `${part}${i + 1}`;

export function haproxyConfig(options: HaproxyOptions): string {
  const inter = options.checkIntervalMs ?? 1000;
  const lines = [
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 120s',
    // above every gateway deadline: a slow answer is the gateway's to give, not a balancer 504
    '  timeout server 120s',
    '  timeout http-keep-alive 10s',
    // without it a check must finish within `inter`: a busy but healthy replica on a loaded machine
    // would be marked down, and with the other one restarting, no server would be left
    '  timeout check 2s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    `  default-server inter ${inter} fastinter ${Math.max(100, Math.floor(inter / 2))} fall 3 rise ${options.rise ?? 1}`,
  ];
  for (const b of options.backends) {
    lines.push(
      '',
      `frontend ${b.name}_in`,
      `  bind 127.0.0.1:${b.frontendPort}`,
      `  default_backend ${b.name}`,
      '',
      `backend ${b.name}`,
      '  balance roundrobin',
      `  option httpchk GET ${b.healthPath}`,
      '  http-check expect status 200',
      // which replica answered: lets tests and operators see the balancing
      '  http-response set-header x-served-by %[srv_name]',
      ...b.serverPorts.map((port, i) => `  server ${serverName(b.name, i)} 127.0.0.1:${port} check`),
    );
  }
  return lines.join('\n') + '\n';
}

export interface RunningHaproxy {
  child: ChildProcess;
  exited: Promise<number | null>;
  configFile: string;
  stop(): Promise<void>;
}

/** Runs HAProxy in the foreground as a child (`-db`), its config written to `dir`. */
export async function startHaproxy(options: HaproxyOptions, dir: string): Promise<RunningHaproxy> {
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(configFile, haproxyConfig(options));
  const check = spawn('haproxy', ['-c', '-q', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let checkErr = '';
  check.stderr!.on('data', (c) => (checkErr += c));
  const checked = await new Promise<number | null>((r) => {
    check.once('exit', (code) => r(code));
    check.once('error', () => r(-1));
  });
  if (checked !== 0) throw new Error(`haproxy refused ${configFile}${checked === -1 ? ' (is haproxy installed? apt-get install haproxy)' : ''}: ${checkErr.trim()}`);

  const child = spawn('haproxy', ['-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => process.env.CLUSTER_DEBUG && process.stderr.write(`[haproxy] ${c}`));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  for (const b of options.backends) {
    while (!(await portOpen(b.frontendPort))) {
      if (gone) throw new Error('haproxy exited before it was listening');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    child,
    exited,
    configFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `n` distinct ports free right now on 127.0.0.1 (held together while chosen, so distinct). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
