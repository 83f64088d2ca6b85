/**
 * Dates as day numbers (days since 1970-01-01) and ISO strings, without Date objects on the hot
 * path (civil-from-days after Howard Hinnant). The world has a fixed "today" so that it is a
 * pure function of (seed, index): nothing in it depends on the clock.
 */

export function dayFromIso(iso: string): number {
  const y0 = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isoFromDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export const yearOf = (iso: string): number => Number(iso.slice(0, 4));

/** The world's fixed "today". */
export const WORLD_TODAY = '2025-06-30';
export const TODAY = dayFromIso(WORLD_TODAY);
/** The USCC reform: registrations from this day on get no 注册号 and are taxpayers by USCC. */
export const REFORM_DAY = dayFromIso('2015-10-01');
/** Yearly figures (tax ratings and payments, customs trade) cover these years, oldest first. */
export const REPORT_YEARS = [2022, 2023, 2024] as const;
