import iconv from 'iconv-lite';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { StandInResponse } from '../common/StandIn';

/**
 * SOAP 1.1 over HTTP as the tax system speaks it: envelope parsing, fault and response
 * rendering, and the GBK wire encoding. Nothing here knows about 纳税信用 itself.
 */

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The tax system answers in GBK whatever the client sent (legacy-systems.md §2). */
export const RESPONSE_CHARSET = 'GBK';

export type FaultCode = 'soap:Client' | 'soap:Server' | 'soap:VersionMismatch';

/** A request-time failure the service reports as a SOAP Fault (HTTP 500, SOAP 1.1 §6.2). */
export class SoapFault extends Error {
  constructor(
    readonly faultCode: FaultCode,
    readonly faultString: string,
  ) {
    super(faultString);
  }
}

export type XmlNode = Record<string, unknown>;

export interface SoapEnvelope {
  header: unknown;
  body: unknown;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  // 纳税人识别号 may be all digits (old 15-digit numbers): never turn element text into numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false, format: false });

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

const isNode = (value: unknown): value is XmlNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The child element with this local name, whatever prefix the client chose for it. */
export function childElement(node: unknown, name: string): unknown {
  if (!isNode(node)) return undefined;
  const key = Object.keys(node).find((k) => !k.startsWith('@_') && localName(k) === name);
  return key === undefined ? undefined : node[key];
}

/** Repeated elements parse as an array, a single one as a value: always give a list. */
export function elementList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Text content of an element, whether or not it carried attributes. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
}

/** `text/xml; charset=GBK` → `{ mediaType: 'text/xml', charset: 'GBK' }` */
export function parseContentType(header: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = '', ...params] = (header ?? '').split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Decodes the body per the declared charset; a charset iconv-lite does not know is the client's fault. */
export function decodeBody(body: Buffer, charset: string): string {
  if (!iconv.encodingExists(charset)) throw new SoapFault('soap:Client', `不支持的字符集: ${charset}`);
  return iconv.decode(body, charset);
}

/** Parses a SOAP 1.1 envelope; the Envelope must be in the SOAP 1.1 namespace (SOAP 1.1 §4.4.2). */
export function parseEnvelope(xml: string): SoapEnvelope {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw new SoapFault('soap:Client', `XML格式错误: ${validation.err.msg}`);
  const document = parser.parse(xml) as XmlNode;
  const roots = Object.keys(document).filter((k) => !k.startsWith('#') && !k.startsWith('?'));
  const rootKey = roots[0];
  if (roots.length !== 1 || rootKey === undefined || localName(rootKey) !== 'Envelope') {
    throw new SoapFault('soap:Client', 'XML格式错误: 根元素必须是soap:Envelope');
  }
  const envelope = document[rootKey];
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':')) : '';
  const namespace = isNode(envelope) ? envelope[prefix ? `@_xmlns:${prefix}` : '@_xmlns'] : undefined;
  if (namespace !== SOAP_ENV_NS) {
    throw new SoapFault('soap:VersionMismatch', `Envelope命名空间必须是 ${SOAP_ENV_NS}`);
  }
  const qualified = (name: string) => (prefix ? `${prefix}:${name}` : name);
  const env = envelope as XmlNode;
  const body = env[qualified('Body')];
  if (body === undefined || Array.isArray(body)) {
    throw new SoapFault('soap:Client', 'XML格式错误: Envelope必须恰好包含一个soap:Body');
  }
  return { header: env[qualified('Header')], body };
}

const envelope = (bodyContent: XmlNode): string =>
  `<?xml version="1.0" encoding="${RESPONSE_CHARSET}"?>` +
  builder.build({ 'soap:Envelope': { '@_xmlns:soap': SOAP_ENV_NS, 'soap:Body': bodyContent } });

/** An HTTP response carrying a SOAP envelope, encoded in GBK. */
export function soapResponse(bodyContent: XmlNode): StandInResponse {
  return encoded(200, envelope(bodyContent));
}

/** SOAP 1.1 §6.2: a fault goes back with HTTP 500. */
export function faultResponse(fault: { faultCode: FaultCode; faultString: string }): StandInResponse {
  return encoded(500, envelope({ 'soap:Fault': { faultcode: fault.faultCode, faultstring: fault.faultString } }));
}

function encoded(status: number, xml: string): StandInResponse {
  return {
    status,
    headers: { 'content-type': `text/xml; charset=${RESPONSE_CHARSET}` },
    body: iconv.encode(xml, RESPONSE_CHARSET),
  };
}
