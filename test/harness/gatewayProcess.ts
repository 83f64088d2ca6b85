import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GATEWAY_NODE_ARGS } from '../../scripts/processes';

/** The gateway as its own OS process (signals, memory), with the node flags `npm start` gives it, configured like a test stack. */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...GATEWAY_NODE_ARGS, '--import', 'tsx', path.join(__dirname, '..', '..', 'gateway', 'index.ts')], {
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /gateway serving at (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], exited });
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code} before serving`)));
  });
}
