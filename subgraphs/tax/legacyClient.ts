import iconv from 'iconv-lite';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { isIsoDate } from '../../lib/graphql/scalars';
import { decimalToCents } from '../../lib/graphql/money';
import { callChecked, checkRecords, quoted, type CheckedRecords } from '../../lib/legacy/checkedRecords';
import { LegacyBusyError, LegacyClient, type LegacyClientOptions, type LegacyResponse } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of the tax department's 纳税信用查询服务 (SOAP 1.1, GBK; legacy-systems.md §2).
 * One operation, `queryNsxx`, by 纳税人识别号: the USCC for taxpayers registered since 2015-10,
 * the old 15-char 税务登记号 for the others. The service never maps one to the other; the loaders
 * decide which to ask for.
 */

export const TAX_BATCH_LIMIT = 20;
export const SERVICE_PATH = '/services/NsxyService';
export const SOAP_ACTION = 'queryNsxx';
const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** What the service speaks, and what it assumes when a message does not say. */
const WIRE_CHARSET = 'GBK';

export const TAX_GRADES = ['A', 'B', 'M', 'C', 'D'] as const;
export type TaxGrade = (typeof TAX_GRADES)[number];

/** One `<nsrxx>`, normalized: years as numbers, money as integer 分, dates ISO. */
export interface TaxpayerRecord {
  /** nsrsbh: the identifier the service knows the taxpayer by */
  taxpayerId: string;
  name: string;
  ratings: { year: number; grade: TaxGrade }[];
  payments: { year: number; amountCents: bigint }[];
  arrears: { taxKind: string; amountCents: bigint; since: string }[];
  majorViolations: { nature: string; facts: string; punishment: string; publishedOn: string }[];
}

export interface TaxClientOptions {
  baseUrl: string;
  user: string;
  password: string;
  timeoutMs?: number;
  client?: Partial<LegacyClientOptions>;
}

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false, format: false });

/** Elements that repeat; a single occurrence must still come back as a list. */
const LIST_ELEMENTS = new Set(['nsrxx', 'xydj', 'nse', 'qs', 'zdaj']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // 纳税人识别号 may be all digits with leading zeros, years must stay exact: never coerce text.
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

/** The request envelope; XMLBuilder escapes the text, so credentials may hold any character. */
export function buildQueryEnvelope(ids: readonly string[], auth: { user: string; password: string }): string {
  return (
    `<?xml version="1.0" encoding="${WIRE_CHARSET}"?>` +
    builder.build({
      'soap:Envelope': {
        '@_xmlns:soap': SOAP_ENV_NS,
        'soap:Header': { auth: { user: auth.user, password: auth.password } },
        'soap:Body': { queryNsxx: { nsrsbhList: { nsrsbh: [...ids] } } },
      },
    })
  );
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An element that may be absent or empty (`<xydjList></xydjList>` parses as ""). */
function child(node: unknown, name: string): unknown {
  return isNode(node) ? node[name] : undefined;
}

function list(node: unknown, name: string): unknown[] {
  const v = child(node, name);
  return Array.isArray(v) ? v : [];
}

function text(node: unknown, name: string): string {
  const v = child(node, name);
  if (typeof v !== 'string') throw new Error(`<${name}> is missing`);
  return v;
}

function year(node: unknown): number {
  const v = text(node, 'nd');
  if (!/^\d{4}$/.test(v)) throw new Error(`<nd> ${quoted(v)} is not a year`);
  return Number(v);
}

function yuanToCents(node: unknown): bigint {
  const cents = decimalToCents(text(node, 'je'));
  if (cents === undefined) throw new Error(`<je> ${quoted(text(node, 'je'))} is not an amount in yuan`);
  return cents;
}

function isoDate(node: unknown, name: string): string {
  const v = text(node, name);
  if (!isIsoDate(v)) throw new Error(`<${name}> ${quoted(v)} is not a YYYY-MM-DD date`);
  return v;
}

function grade(node: unknown): TaxGrade {
  const v = text(node, 'dj');
  if (!(TAX_GRADES as readonly string[]).includes(v)) throw new Error(`<dj> ${quoted(v)} is not a 纳税信用等级 A B M C D`);
  return v as TaxGrade;
}

function readNsrxx(n: unknown): TaxpayerRecord {
  return {
    taxpayerId: text(n, 'nsrsbh'),
    name: text(n, 'nsrmc'),
    ratings: list(child(n, 'xydjList'), 'xydj').map((r) => ({ year: year(r), grade: grade(r) })),
    payments: list(child(n, 'nseList'), 'nse').map((p) => ({ year: year(p), amountCents: yuanToCents(p) })),
    arrears: list(child(n, 'qsList'), 'qs').map((a) => ({ taxKind: text(a, 'sz'), amountCents: yuanToCents(a), since: isoDate(a, 'qsrq') })),
    majorViolations: list(child(n, 'zdajList'), 'zdaj').map((v) => ({
      nature: text(v, 'ajxz'),
      facts: text(v, 'wfss'),
      punishment: text(v, 'cfqk'),
      publishedOn: isoDate(v, 'gbrq'),
    })),
  };
}

/** The charset a response declares in Content-Type, else in its XML declaration, else GBK. */
function charsetOf(res: LegacyResponse): string {
  const header = res.headers['content-type'];
  const declared = /charset\s*=\s*"?([\w-]+)"?/i.exec(Array.isArray(header) ? header[0] ?? '' : header ?? '')?.[1];
  const xmlDeclared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/.exec(res.body.subarray(0, 200).toString('latin1'))?.[1];
  const charset = declared ?? xmlDeclared ?? WIRE_CHARSET;
  if (!iconv.encodingExists(charset)) throw new Error(`unknown charset ${charset}`);
  return charset;
}

function readEnvelopeBody(res: LegacyResponse): Node {
  const xml = iconv.decode(res.body, charsetOf(res));
  let document: unknown;
  try {
    // `true`: validate first, so a truncated answer is refused rather than half-read
    document = parser.parse(xml, true);
  } catch {
    throw new Error('answer is not well-formed XML');
  }
  const body = child(child(document, 'Envelope'), 'Body');
  if (!isNode(body)) throw new Error('answer is not a SOAP envelope with a Body');
  return body;
}

/**
 * SOAP 1.1 §4.4.1: faultcode `Server` means the request may succeed later (the service's 系统繁忙),
 * `Client` that this very request is wrong (bad credentials, too many IDs): retrying cannot help.
 * The faultstring stays out of the message: it is the department's text, not ours to pass on.
 */
function faultError(fault: unknown): Error {
  const code = typeof child(fault, 'faultcode') === 'string' ? (child(fault, 'faultcode') as string) : '';
  const local = code.slice(code.indexOf(':') + 1);
  if (local === 'Server' || local.startsWith('Server.')) return new LegacyBusyError('SOAP fault Server');
  return new Error(`SOAP fault ${local || 'without faultcode'}`);
}

/** The answer's `<nsrxx>`, each checked on its own: a malformed one is refused by its nsrsbh. */
export function parseQueryResponse(res: LegacyResponse): CheckedRecords<TaxpayerRecord> {
  if (res.status !== 200 && res.status !== 500) throw new Error(`HTTP ${res.status}`);
  let body: Node;
  try {
    body = readEnvelopeBody(res);
  } catch (e) {
    // An HTTP 500 that is not a SOAP fault is a failing server like any other 5xx.
    if (res.status === 500) throw new LegacyBusyError(`HTTP 500, ${(e as Error).message}`);
    throw e;
  }
  if (body.Fault !== undefined) throw faultError(body.Fault);
  if (res.status !== 200) throw new LegacyBusyError('HTTP 500 without a SOAP fault');
  const response = child(body, 'queryNsxxResponse');
  if (response === undefined) throw new Error('answer has no queryNsxxResponse');
  return checkRecords('tax', list(child(response, 'return'), 'nsrxx'), (n) => text(n, 'nsrsbh'), readNsrxx);
}

export class TaxClient {
  private readonly http: LegacyClient;
  constructor(private readonly options: TaxClientOptions) {
    this.http = new LegacyClient({ department: 'tax', baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 2000, ...options.client });
  }

  /** at most TAX_BATCH_LIMIT 纳税人识别号; those the service does not know are absent, malformed ones refused */
  async queryNsxx(ids: readonly string[]): Promise<CheckedRecords<TaxpayerRecord>> {
    if (ids.length > TAX_BATCH_LIMIT) throw new Error(`tax queryNsxx takes at most ${TAX_BATCH_LIMIT} IDs, got ${ids.length}`);
    if (ids.length === 0) return { records: [], malformed: [] };
    const body = iconv.encode(buildQueryEnvelope(ids, this.options), WIRE_CHARSET);
    return callChecked(this.http, {
      method: 'POST',
      path: SERVICE_PATH,
      body,
      // A read despite POST: asking again changes nothing, so a busy answer may be retried.
      idempotent: true,
      headers: () => ({ 'content-type': `text/xml; charset=${WIRE_CHARSET}`, soapaction: `"${SOAP_ACTION}"` }),
      // SOAP 1.1 §6.2: faults travel as HTTP 500; parse tells Server (busy) from Client faults.
      acceptStatus: (status) => status === 500,
      parse: parseQueryResponse,
    });
  }

  /** closes the circuit with nothing counted (LegacyClient.resetCircuit) */
  resetCircuit(): void {
    this.http.resetCircuit();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
