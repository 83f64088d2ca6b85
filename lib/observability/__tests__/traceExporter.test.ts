import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../../config';
import { traceExporter } from '../tracing';

/**
 * The OTLP encoding chosen by OTEL_EXPORTER_OTLP_PROTOCOL / OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
 * seen on the wire: tracingFixture.ts starts tracing as an entry point does and exports one span,
 * and a real node:http receiver here records what arrives at /v1/traces.
 */

interface Received {
  path: string;
  contentType: string;
  body: Buffer;
}

const run = promisify(execFile);
const FIXTURE = path.join(__dirname, 'tracingFixture.ts');
let receiver: http.Server;
let endpoint: string;
let received: Received[];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
beforeEach(() => (received = []));
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

/** The fixture's one span, exported under `protocols` (only these OTEL_* variables set); what the receiver got. */
async function exportProbe(protocols: Record<string, string>): Promise<Received> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  await run(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...protocols }, timeout: 30_000 });
  expect(received).toHaveLength(1);
  return received[0];
}

const spanNamesOf = (json: Buffer): string[] =>
  JSON.parse(json.toString()).resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans.map((span: any) => span.name)));

describe('the OTLP encoding of exported spans', () => {
  it('posts protobuf to /v1/traces when no protocol is set', async () => {
    const got = await exportProbe({});
    expect(got).toMatchObject({ path: '/v1/traces', contentType: 'application/x-protobuf' });
    expect(got.body.includes('probe')).toBe(true);
  });

  it('posts OTLP JSON when OTEL_EXPORTER_OTLP_PROTOCOL is http/json', async () => {
    const got = await exportProbe({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(got).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
    expect(spanNamesOf(got.body)).toEqual(['probe']);
  });

  it('lets OTEL_EXPORTER_OTLP_TRACES_PROTOCOL win over OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    expect((await exportProbe({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).contentType).toBe('application/json');
    received = [];
    expect((await exportProbe({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).contentType).toBe('application/x-protobuf');
  });

  it('refuses a protocol it cannot speak (grpc) naming the variable', async () => {
    expect(() => traceExporter({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(ConfigError);
    // an entry point stops with one line, as for any other bad variable
    await expect(exportProbe({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).rejects.toMatchObject({
      code: 1,
      stderr: 'configuration error: OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf or http/json, got "grpc"\n',
    });
    expect(received).toHaveLength(0);
  });
});
