import { getLunarDatesInRange, getSolarTermsInRange } from 'chinese-days';
import { addWorkingDays, COVERED_YEARS, dueAfter, isOverdue, mainlandDate } from '../calendar';

const schedule = (dueOn: string) => ({ dueOn, basis: 'STATE_COUNCIL_SCHEDULE' });
const provisional = (dueOn: string) => ({ dueOn, basis: 'STATUTORY_DAYS_ONLY' });

describe('working-day deadlines on the mainland calendar', () => {
  it('counts across the National Day week and works the 调休 Saturday (2026: 10-01..10-07 off, 10-10 worked)', () => {
    // 09-30, 10-08, 10-09, 10-10 (Saturday, make-up day), 10-12
    expect(addWorkingDays('2026-09-29', 5)).toEqual(schedule('2026-10-12'));
    expect(addWorkingDays('2026-09-29', 3)).toEqual(schedule('2026-10-09'));
  });

  it('skips the Mid-Autumn holiday and counts the 调休 Sunday before it (2026-09-20 worked, 09-25 off)', () => {
    expect(addWorkingDays('2026-09-19', 1)).toEqual(schedule('2026-09-20'));
    expect(addWorkingDays('2026-09-24', 1)).toEqual(schedule('2026-09-28'));
  });

  it('counts the day of filing by the mainland date, not the server zone', () => {
    // 16:30 UTC on 09-28 is 00:30 on 09-29 in Beijing
    expect(mainlandDate(new Date('2026-09-28T16:30:00Z'))).toBe('2026-09-29');
    expect(dueAfter(new Date('2026-09-28T16:30:00Z'), 5)).toEqual(schedule('2026-10-12'));
  });

  it('is overdue only after the due day has passed in Beijing', () => {
    expect(isOverdue('2026-10-12', new Date('2026-10-12T15:59:00Z'))).toBe(false);
    expect(isOverdue('2026-10-12', new Date('2026-10-12T16:01:00Z'))).toBe(true);
  });
});

/** the statutory days of 2027, found here from the lunar calendar and solar terms, not from calendar.ts */
function lunarDay(year: number, month: number, day: number): string {
  const found = getLunarDatesInRange(`${year}-01-01`, `${year + 1}-03-31`).find((d) => d.lunarYear === year && d.lunarMon === month && d.lunarDay === day && !d.isLeap);
  return found!.date;
}

describe('a year the calendar package has no State Council schedule for (2027 in chinese-days 1.5.7)', () => {
  it('the package indeed stops at 2026 (when it learns 2027, these deadlines become the schedule\'s)', () => {
    expect(COVERED_YEARS.has(2026)).toBe(true);
    expect(COVERED_YEARS.has(2027)).toBe(false);
  });

  it('a filing on 2026-12-28 is provisionally due in January 2027, skipping 元旦 (Fri 01-01) and the weekend', () => {
    // 12-29, 12-30, 12-31 (2026, scheduled), 01-01 off, 01-02/03 weekend, 01-04, 01-05
    expect(addWorkingDays('2026-12-28', 5)).toEqual(provisional('2027-01-05'));
    expect(addWorkingDays('2026-12-28', 3)).toEqual(schedule('2026-12-31'));
  });

  it('skips 除夕 to 初三 of 2027 (02-05 to 02-08), found from the lunar calendar', () => {
    const chuyi = lunarDay(2027, 1, 1);
    const chuxi = lunarDay(2026, 12, 29); // the twelfth month of 丙午 has 29 days: 廿九 is 除夕
    expect(chuyi).toBe('2027-02-06');
    expect(chuxi).toBe('2027-02-05');
    // Wed 02-03 filed: 02-04; 02-05 (除夕, Fri) off; 06/07 weekend (初一, 初二); 02-08 (初三, Mon) off; 02-09..02-12
    expect(addWorkingDays('2027-02-03', 5)).toEqual(provisional('2027-02-12'));
    expect(addWorkingDays('2027-02-04', 1)).toEqual(provisional('2027-02-09'));
  });

  it('skips 清明, 劳动节, 端午, 中秋 and 国庆 of 2027, each found independently', () => {
    const qingming = getSolarTermsInRange('2027-04-01', '2027-04-10').find((t) => t.name === '清明' && t.index === 1)!.date;
    expect(qingming).toBe('2027-04-05'); // Monday
    expect(addWorkingDays('2027-04-02', 1)).toEqual(provisional('2027-04-06'));
    expect(addWorkingDays('2027-04-30', 1)).toEqual(provisional('2027-05-03')); // 05-01/02 are a weekend anyway
    const duanwu = lunarDay(2027, 5, 5);
    expect(duanwu).toBe('2027-06-09'); // Wednesday
    expect(addWorkingDays('2027-06-08', 1)).toEqual(provisional('2027-06-10'));
    const zhongqiu = lunarDay(2027, 8, 15);
    expect(zhongqiu).toBe('2027-09-15'); // Wednesday
    expect(addWorkingDays('2027-09-14', 1)).toEqual(provisional('2027-09-16'));
    // 10-01 Fri off, weekend, 10-04 Mon (03 is a Sunday: no bridging without the notice)
    expect(addWorkingDays('2027-09-30', 1)).toEqual(provisional('2027-10-04'));
  });

  it('a covered year still uses the package\'s schedule and is not provisional (the 10-10 调休 Saturday is worked)', () => {
    expect(addWorkingDays('2026-09-29', 5)).toEqual(schedule('2026-10-12'));
    // by statutory rules alone: 09-30, then 10-01..03 off, 10-05..08 worked, 10-10 not counted
    expect(addWorkingDays('2026-09-29', 5, new Set())).toEqual(provisional('2026-10-08'));
  });
});
