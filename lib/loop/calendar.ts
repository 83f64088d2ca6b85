import chineseDays from 'chinese-days';
import calendarData from 'chinese-days/dist/chinese-days.json';
import { isStatutoryWorkday } from './statutoryHolidays';

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
 * The years the package knows the State Council's schedule for. A year it does not know (the
 * notice for the next year comes out in the autumn, the package a little later) would count New
 * Year's Day and the Spring Festival as working days: there the statutory days alone are counted
 * (statutoryHolidays.ts) and the deadline is marked provisional, so that a subject's right to
 * object never fails on a missing calendar.
 */
export const COVERED_YEARS: ReadonlySet<number> = new Set(Object.keys(calendarData.holidays).map((day) => Number(day.slice(0, 4))));

/**
 * STATE_COUNCIL_SCHEDULE: every day counted is in the package's schedule (holidays and 调休).
 * STATUTORY_DAYS_ONLY: some day counted is in a year the package has no schedule for; weekends
 * and statutory holidays were counted without that year's 调休, and the deadline is recomputed on
 * read, so an updated package corrects it.
 */
export type DueBasis = 'STATE_COUNCIL_SCHEDULE' | 'STATUTORY_DAYS_ONLY';

export interface Deadline {
  dueOn: string;
  basis: DueBasis;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The `days`-th working day after `from` (a `YYYY-MM-DD`); the day of filing itself is not
 * counted, as 《民法典》第二百零一条 counts periods from the next day. `coveredYears` is the
 * package's by default; tests pass fewer to exercise the fallback on a year the package knows.
 */
export function addWorkingDays(from: string, days: number, coveredYears: ReadonlySet<number> = COVERED_YEARS): Deadline {
  if (!Number.isInteger(days) || days < 1) throw new Error(`addWorkingDays: days must be a positive integer, got ${days}`);
  let day = from;
  let counted = 0;
  let basis: DueBasis = 'STATE_COUNCIL_SCHEDULE';
  while (counted < days) {
    day = nextDay(day);
    const covered = coveredYears.has(Number(day.slice(0, 4)));
    if (!covered) basis = 'STATUTORY_DAYS_ONLY';
    if (covered ? chineseDays.isWorkday(day) : isStatutoryWorkday(day)) counted++;
  }
  return { dueOn: day, basis };
}

/** due `days` working days after the mainland day of `at` */
export function dueAfter(at: Date, days: number): Deadline {
  return addWorkingDays(mainlandDate(at), days);
}

/** overdue once the mainland day is past the due day while the case is still open */
export function isOverdue(dueOn: string, now: Date): boolean {
  return mainlandDate(now) > dueOn;
}
