import { getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';

/**
 * The statutory rest days of a year as 《全国年节及纪念日放假办法》 (2024 revision, 国务院令第795号)
 * fixes them, for a year whose State Council schedule (调休 included) the calendar package does
 * not have yet: 元旦 (1 Jan), 春节 (除夕 and 正月初一 to 初三), 清明节 (the Qingming solar term
 * day), 劳动节 (1–2 May), 端午节 (五月初五), 中秋节 (八月十五), 国庆节 (1–3 Oct). The lunar and
 * solar-term dates come from the same package's astronomical functions, which cover every year;
 * only the yearly notice (which weekend days are worked, which holidays are bridged) is missing,
 * so a deadline counted on these days alone is provisional.
 */

function shiftDay(day: string, by: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + by);
  return d.toISOString().slice(0, 10);
}

/** the Gregorian day of a lunar month/day of lunar year `year` (not a leap month) */
function lunar(year: number, month: number, day: number): string {
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  return getSolarDateFromLunar(`${year}-${mm}-${dd}`).date;
}

const cache = new Map<number, ReadonlySet<string>>();

/** every statutory rest day of the Gregorian year `year`, as `YYYY-MM-DD` */
export function statutoryHolidays(year: number): ReadonlySet<string> {
  let days = cache.get(year);
  if (days) return days;
  // 正月初一 of the lunar year that begins in this Gregorian year (always 21 Jan – 20 Feb)
  const springFestival = lunar(year, 1, 1);
  days = new Set([
    `${year}-01-01`,
    shiftDay(springFestival, -1), // 除夕: the last day of the twelfth month, 廿九 or 三十
    springFestival,
    shiftDay(springFestival, 1),
    shiftDay(springFestival, 2),
    getSolarTermDate(year, 4, 'pure_brightness'),
    `${year}-05-01`,
    `${year}-05-02`,
    lunar(year, 5, 5),
    lunar(year, 8, 15),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ]);
  cache.set(year, days);
  return days;
}

/** a working day by the statutory days alone: Monday to Friday and not a statutory rest day */
export function isStatutoryWorkday(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !statutoryHolidays(Number(day.slice(0, 4))).has(day);
}
