import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
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

/** Answered 200 by HAProxy itself on every frontend, whatever its servers' state. */
export const MONITOR_URI = '/_balancer/alive';

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
      // HAProxy answers this itself: how startHaproxy knows the port is HAProxy's, not another listener's
      `  monitor-uri ${MONITOR_URI}`,
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
  // its last words, for the error when it stops before listening (a port taken, most often)
  let stderrTail = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderrTail = (stderrTail + c).slice(-2000);
    if (process.env.CLUSTER_DEBUG) process.stderr.write(`[haproxy] ${c}`);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  for (const b of options.backends) {
    while (!(await balancerAnswers(b.frontendPort))) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`haproxy did not answer on ${b.frontendPort} within 30 s: ${stderrTail.trim() || '(nothing on stderr)'}`);
      }
      if (gone) throw new Error(`haproxy exited before it was listening on ${b.frontendPort}: ${stderrTail.trim() || '(nothing on stderr)'}`);
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

/** Whether HAProxy (not just anything) answers on `port`: its monitor URI, which it serves itself. */
function balancerAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: MONITOR_URI, timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/**
 * `n` distinct ports free right now on 127.0.0.1, held together while chosen (so distinct), taken
 * from BELOW the kernel's ephemeral range. A port the OS handed out for `listen(0)` is back in that
 * range the moment it is closed, and every `listen(0)` or outgoing connection on the machine (other
 * test suites, the subgraphs started before the balancer, Redis and PostgreSQL clients) may take it
 * before HAProxy or a restarted replica binds it; below the range only a process that asks for the
 * very port can.
 */
export async function freePorts(n: number): Promise<number[]> {
  const [ephemeralLow] = ephemeralRange();
  const low = 20000;
  const high = Math.max(low + 1000, ephemeralLow) - 1;
  const held: net.Server[] = [];
  try {
    for (let tries = 0; held.length < n; tries++) {
      if (tries > 200 * n) throw new Error(`no ${n} free ports between ${low} and ${high}`);
      const port = low + crypto.randomInt(high - low + 1);
      const server = await listenOn(port);
      if (server) held.push(server);
    }
    return held.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
}

function listenOn(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** Linux's ip_local_port_range (its default where it cannot be read). */
function ephemeralRange(): [number, number] {
  try {
    const [a, b] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (a! > 0 && b! >= a!) return [a!, b!];
  } catch {
    // not Linux: the IANA dynamic range
  }
  return [49152, 65535];
}
