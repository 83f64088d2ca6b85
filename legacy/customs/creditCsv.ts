import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import type { CustomsRecord } from '../world/types';

/** The `credit.csv` export of 企业信用数据接口 (legacy-systems.md §4), rendered in GBK. */

export const CREDIT_CSV_HEADER = [
  '海关编码',
  '企业名称',
  '信用等级',
  '认定日期',
  '年度',
  '进口额(美元)',
  '出口额(美元)',
  '违规次数',
] as const;

export const CSV_CHARSET = 'GBK';

/** US cents → dollars with exactly two decimals, by integer arithmetic. */
export function centsToUsd(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error(`amount in cents must be a safe integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** One row per enterprise per year (the last three, oldest first); the header line always comes. */
export function renderCreditCsv(records: CustomsRecord[]): Buffer {
  const rows = records.flatMap((r) =>
    r.years.map((y) => [
      r.customsCode,
      r.name,
      r.creditClass,
      r.certifiedOn,
      String(y.year),
      centsToUsd(y.importUsdCents),
      centsToUsd(y.exportUsdCents),
      String(y.violations),
    ]),
  );
  // CRLF as the Windows-era export it imitates; fields with a comma, quote or line break are quoted.
  const text = stringify([[...CREDIT_CSV_HEADER], ...rows], { record_delimiter: 'windows' });
  return iconv.encode(text, CSV_CHARSET);
}
