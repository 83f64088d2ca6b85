import net from 'node:net';

/**
 * A TCP relay in front of a real server, for tests that need a real outage: `cut()` drops every
 * connection and refuses new ones, exactly what a process sees when its database goes away.
 * `hold()` is an explicit gate instead of a race: what clients send from then on is kept back
 * from the server (a commit stays in flight for as long as the test wants), and `waitForHeld`
 * resolves once a given text has been sent and held. A held connection that closes never
 * delivers what was held.
 */
export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  hold(): void;
  /** stops holding: the connections that held bytes are dropped (their bytes never delivered), new ones relay */
  release(): void;
  /** resolves once the bytes held on one connection contain `text` */
  waitForHeld(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let open = true;
  let holding = false;
  const sockets = new Set<net.Socket>();
  const held = new Map<net.Socket, Buffer>();
  const waiters: { text: string; resolve(): void }[] = [];
  const wake = () => {
    for (const w of [...waiters]) {
      if ([...held.values()].some((b) => b.includes(w.text))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      held.delete(client);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (!holding) return void upstream.write(chunk);
      held.set(client, Buffer.concat([held.get(client) ?? Buffer.alloc(0), chunk]));
      wake();
    });
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const client of [...held.keys()]) client.destroy();
      held.clear();
    },
    waitForHeld(text) {
      return new Promise((resolve) => {
        waiters.push({ text, resolve });
        wake();
      });
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
