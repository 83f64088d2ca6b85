import type { TaxRecord } from '../world/types';
import { SoapFault, childElement, elementList, textOf, type XmlNode } from './soap';

/** The one operation of 纳税信用查询服务: `queryNsxx` (legacy-systems.md §2). */

export const SOAP_ACTION = 'queryNsxx';
/** The service refuses more than 20 纳税人识别号 in one call. */
export const MAX_IDS_PER_QUERY = 20;

/** The 纳税人识别号 asked for, in request order (trimmed; duplicates kept). */
export function readQueryNsxx(body: unknown): string[] {
  const operation = childElement(body, 'queryNsxx');
  if (operation === undefined) throw new SoapFault('soap:Client', '不支持的操作: soap:Body中缺少queryNsxx');
  const list = childElement(operation, 'nsrsbhList');
  if (list === undefined) throw new SoapFault('soap:Client', 'queryNsxx中缺少nsrsbhList');
  const ids = elementList(childElement(list, 'nsrsbh')).map((e) => textOf(e).trim());
  if (ids.length > MAX_IDS_PER_QUERY) {
    throw new SoapFault('soap:Client', `纳税人识别号数量${ids.length}超过上限${MAX_IDS_PER_QUERY}`);
  }
  return ids;
}

/** 分 → yuan with exactly two decimals, by integer arithmetic (no floating-point drift). */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount in fen must be a safe integer, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * One `<nsrxx>`. An empty list is still emitted as its (empty) list element, which is how the
 * service says "none" as opposed to "not asked".
 */
export function renderNsrxx(record: TaxRecord): XmlNode {
  return {
    nsrsbh: record.taxpayerId,
    nsrmc: record.name,
    xydjList: { xydj: record.ratings.map((r) => ({ nd: String(r.year), dj: r.grade })) },
    nseList: { nse: record.payments.map((p) => ({ nd: String(p.year), je: fenToYuan(p.amountFen) })) },
    qsList: { qs: record.arrears.map((a) => ({ sz: a.taxKind, je: fenToYuan(a.amountFen), qsrq: a.since })) },
    zdajList: {
      zdaj: record.majorViolations.map((v) => ({
        ajxz: v.nature,
        wfss: v.facts,
        cfqk: v.punishment,
        gbrq: v.publishedOn,
      })),
    },
  };
}
