import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePorts, startHaproxy } from '../../scripts/cluster/haproxy';

// CI once failed the replica tests with "haproxy exited before it was listening": the frontend
// ports came from listen(0), so they sat in the kernel's ephemeral range, where the twelve
// subgraphs started in between (and every other suite's listen(0) and outgoing connections) could
// take one before HAProxy bound it.

const [ephemeralLow] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

test('free ports are distinct, bindable, and below the ephemeral range that listen(0) draws from', async () => {
  const ports = await freePorts(40);
  expect(new Set(ports).size).toBe(40);
  for (const port of ports) expect(port).toBeLessThan(ephemeralLow!);
  const servers = await Promise.all(ports.map((port) => new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  })));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

test('a balancer that cannot bind its frontend says why, in HAProxy\'s own words', async () => {
  const [port] = (await freePorts(1)) as [number];
  const squatter = net.createServer((c) => c.destroy());
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-test-'));
  try {
    await expect(startHaproxy({ backends: [{ name: 'market', frontendPort: port, serverPorts: [1], healthPath: '/healthz' }] }, dir))
      .rejects.toThrow(new RegExp(`exited before it was listening on ${port}: .*cannot bind`, 's'));
  } finally {
    await new Promise((r) => squatter.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
