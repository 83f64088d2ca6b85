import type http from 'node:http';
import { createStandIn, type StandIn, type StandInRequest, type StandInResponse } from '../common/StandIn';
import type { World } from '../world/types';
import { SOAP_ACTION, readQueryNsxx, renderNsrxx } from './queryNsxx';
import {
  SoapFault,
  childElement,
  decodeBody,
  faultResponse,
  parseContentType,
  parseEnvelope,
  soapResponse,
  textOf,
  type XmlNode,
} from './soap';

/** Stand-in of the tax department's 纳税信用查询服务 (SOAP 1.1, GBK; legacy-systems.md §2). */

export const SERVICE_PATH = '/services/NsxyService';
export const DEFAULT_LATENCY_MS = 20;

export interface TaxCredentials {
  user: string;
  password: string;
}

export interface TaxStandInOptions {
  world: World;
  /** base latency added to every answer; default 20 (SPEC §4 `LEGACY_LATENCY_MS`) */
  latencyMs?: number;
  /** the SOAP header credentials; default `TAX_USER` / `TAX_PASSWORD`, each `dev` when unset */
  credentials?: TaxCredentials;
}

function getValidCredentials(credentials: TaxCredentials | undefined): TaxCredentials {
  const c = credentials ?? { user: process.env.TAX_USER ?? 'dev', password: process.env.TAX_PASSWORD ?? 'dev' };
  for (const [key, env] of [['user', 'TAX_USER'], ['password', 'TAX_PASSWORD']] as const) {
    if (typeof c[key] !== 'string' || c[key] === '') {
      throw new TypeError(
        `createTaxStandIn: options.credentials.${key} (env ${env}) must be a non-empty string, got ${JSON.stringify(c[key])}`,
      );
    }
  }
  return c;
}

/** The HTTP binding of SOAP 1.1 as this service enforces it; returns the request's charset. */
function checkBinding(headers: http.IncomingHttpHeaders): string {
  const { mediaType, charset } = parseContentType(headers['content-type']);
  if (mediaType !== 'text/xml') {
    throw new SoapFault('soap:Client', `不支持的Content-Type, 应为 text/xml; charset=GBK`);
  }
  // SOAP 1.1 §6.1.1 writes the action as a quoted URI; like most SOAP stacks, unquoted is accepted too.
  const action = headers['soapaction'];
  if (typeof action !== 'string' || action.trim().replace(/^"(.*)"$/, '$1') !== SOAP_ACTION) {
    throw new SoapFault('soap:Client', `SOAPAction必须是 "${SOAP_ACTION}"`);
  }
  // Without a declared charset the service assumes its own, GBK.
  return charset ?? 'GBK';
}

function authenticate(header: unknown, expected: TaxCredentials): void {
  const auth = childElement(header, 'auth');
  const user = textOf(childElement(auth, 'user'));
  const password = textOf(childElement(auth, 'password'));
  if (auth === undefined || user !== expected.user || password !== expected.password) {
    throw new SoapFault('soap:Client', '认证失败: 用户名或密码错误');
  }
}

/** the `malformed` fault: a 纳税信用等级 that is not one of A B M C D */
function withUnknownGrade(nsrxx: XmlNode): XmlNode {
  const ratings = (nsrxx.xydjList as { xydj: XmlNode[] }).xydj;
  return { ...nsrxx, xydjList: { xydj: [...ratings, { nd: '2024', dj: 'E' }] } };
}

const plain = (status: number, text: string, headers: Record<string, string> = {}): StandInResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body: text,
});

export function createTaxStandIn(options: TaxStandInOptions): StandIn {
  if (!options?.world) throw new TypeError('createTaxStandIn: options.world is required (a World from createWorld)');
  const { world } = options;
  // the frame validates latencyMs (non-negative milliseconds) at construction
  const latencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
  const credentials = getValidCredentials(options.credentials);

  return createStandIn({
    name: 'tax',
    latencyMs,
    failure: () => faultResponse({ faultCode: 'soap:Server', faultString: '系统繁忙' }),
    handle(req: StandInRequest, ctx) {
      if (req.path !== SERVICE_PATH) return plain(404, 'Not Found');
      if (req.method !== 'POST') return plain(405, 'Method Not Allowed', { allow: 'POST' });
      try {
        const charset = checkBinding(req.headers);
        const envelope = parseEnvelope(decodeBody(req.body, charset));
        authenticate(envelope.header, credentials);
        const ids = readQueryNsxx(envelope.body);
        ctx.countKeys(ids.length);
        // Exact match on the 纳税人识别号 only: a pre-2015 taxpayer asked for by USCC is simply absent.
        const found = ids.flatMap((id) => {
          const subject = world.findByTaxpayerId(id);
          return subject?.tax ? [{ uscc: subject.uscc, tax: subject.tax }] : [];
        });
        const nsrxx = found.map(({ uscc, tax }) => (ctx.malformed(uscc) ? withUnknownGrade(renderNsrxx(tax)) : renderNsrxx(tax)));
        return soapResponse({ queryNsxxResponse: { return: { nsrxx } } });
      } catch (e) {
        if (e instanceof SoapFault) return faultResponse(e);
        throw e; // the frame answers with the department's own failure: soap:Server 系统繁忙
      }
    },
  });
}
