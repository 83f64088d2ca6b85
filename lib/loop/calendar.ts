import chineseDays from 'chinese-days';
import calendarData from 'chinese-days/dist/chinese-days.json';

/**
 * Statutory deadlines in working days on the mainland calendar (《行政法规制定程序条例》 counts
 * 工作日): weekends are not working days, statutory holidays are not, and 调休 make-up days (a
 * Saturday or Sunday worked to bridge a holiday week) are. The days come from the maintained
 * `chinese-days` package, whose data follows the State Council's yearly notice; never a
 * hand-written list here.
 */

/** what the workflows ask the time: injected so that tests file "on 2026-09-29" deterministically */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Deadlines are counted on the mainland's calendar day, whatever the server's zone. */
const MAINLAND_ZONE = 'Asia/Shanghai';
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: MAINLAND_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** `YYYY-MM-DD` of the instant on the mainland calendar */
export function mainlandDate(at: Date): string {
  return dayFormat.format(at);
}

/**
 * The years the package knows the State Council's schedule for. A year it does not know would
 * count New Year's Day and the Spring Festival as working days: such a deadline is refused (see
 * CalendarNotCoveredError) rather than computed wrong.
 */
export const COVERED_YEARS: ReadonlySet<number> = new Set(Object.keys(calendarData.holidays).map((day) => Number(day.slice(0, 4))));

export class CalendarNotCoveredError extends Error {
  constructor(readonly year: number) {
    super(`the working-day calendar (chinese-days) has no schedule for ${year}: update the package`);
    this.name = 'CalendarNotCoveredError';
  }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The `days`-th working day after `from` (a `YYYY-MM-DD`); the day of filing itself is not
 * counted, as 《民法典》第二百零一条 counts periods from the next day.
 */
export function addWorkingDays(from: string, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`addWorkingDays: days must be a positive integer, got ${days}`);
  let day = from;
  let counted = 0;
  while (counted < days) {
    day = nextDay(day);
    const year = Number(day.slice(0, 4));
    if (!COVERED_YEARS.has(year)) throw new CalendarNotCoveredError(year);
    if (chineseDays.isWorkday(day)) counted++;
  }
  return day;
}

/** due `days` working days after the mainland day of `at` */
export function dueAfter(at: Date, days: number): string {
  return addWorkingDays(mainlandDate(at), days);
}

/** overdue once the mainland day is past the due day while the case is still open */
export function isOverdue(dueOn: string, now: Date): boolean {
  return mainlandDate(now) > dueOn;
}
