import type { AbnormalRecord, PenaltyRecord, Subject } from '../world/types';

/**
 * Market regulation's wire format (legacy-systems.md §1): pinyin-initial field codes, dates as
 * `YYYYMMDD`, money in 万元 as a decimal string. Every date field of this system uses the same
 * compact form as CLRQ/HZRQ, and optional text is "" rather than null (as ZCH already does).
 */

const FEN_PER_WAN_YUAN = 1_000_000;

/** world dates are ISO `YYYY-MM-DD`; this system writes `YYYYMMDD` */
export function compactDate(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}

/**
 * 分 → 万元 as the registry prints it: "1500", "12.5", "0.000001". Integer arithmetic only, so
 * the string is exact (no binary floating-point on the way).
 */
export function fenToWanYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount must be a safe integer number of fen, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / FEN_PER_WAN_YUAN);
  const fraction = String(abs % FEN_PER_WAN_YUAN).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

export interface EnterpriseRow {
  TYSHXYDM: string;
  ZCH: string;
  QYMC: string;
  QYLX: string;
  FDDBR: string;
  /**
   * The legal representative's citizen ID. Not in the published interface, but real registries
   * hold it and return it to authorized government callers; the subgraph must mask it (SPEC §7).
   */
  FDDBRZJHM: string;
  ZCZB: string;
  BZ: string;
  CLRQ: string;
  DJZT: string;
  DJJG: string;
  ZS: string;
  JYFW: string;
  HZRQ: string;
}

/** only for subjects registered with market regulation (`enterprise` not null) */
export function enterpriseRow(subject: Subject): EnterpriseRow {
  const e = subject.enterprise;
  if (!e) throw new Error(`subject ${subject.uscc} is not registered with market regulation`);
  return {
    TYSHXYDM: subject.uscc,
    ZCH: subject.registrationNumber,
    QYMC: e.name,
    QYLX: e.typeText,
    FDDBR: e.legalRepresentative.name,
    FDDBRZJHM: e.legalRepresentative.idNumber,
    ZCZB: fenToWanYuan(e.registeredCapitalFen),
    BZ: e.currency,
    CLRQ: compactDate(e.foundedOn),
    DJZT: e.status,
    DJJG: e.authority,
    ZS: e.address,
    JYFW: e.scope,
    HZRQ: compactDate(e.approvedOn),
  };
}

export interface AbnormalRow {
  TYSHXYDM: string;
  LRYY: string;
  LRRQ: string;
  LRJG: string;
  /** "" while the enterprise is still listed */
  YCYY: string;
  /** "" while the enterprise is still listed */
  YCRQ: string;
}

export function abnormalRow(uscc: string, a: AbnormalRecord): AbnormalRow {
  return {
    TYSHXYDM: uscc,
    LRYY: a.reason,
    LRRQ: compactDate(a.listedOn),
    LRJG: a.authority,
    YCYY: a.removalReason ?? '',
    YCRQ: a.removedOn ? compactDate(a.removedOn) : '',
  };
}

export interface PenaltyRow {
  CFWSH: string;
  WFXWLX: string;
  CFLB: string;
  CFNR: string;
  FKJE: string;
  CFJDRQ: string;
  CFJG: string;
  GSJZQ: string;
}

export function penaltyRow(p: PenaltyRecord): PenaltyRow {
  return {
    CFWSH: p.decisionNumber,
    WFXWLX: p.violationType,
    CFLB: p.kind,
    CFNR: p.content,
    FKJE: fenToWanYuan(p.fineFen),
    CFJDRQ: compactDate(p.decidedOn),
    CFJG: p.authority,
    GSJZQ: compactDate(p.publishUntil),
  };
}
