import { addWorkingDays, CalendarNotCoveredError, dueAfter, isOverdue, mainlandDate } from '../calendar';

describe('working-day deadlines on the mainland calendar', () => {
  it('counts across the National Day week and works the 调休 Saturday (2026: 10-01..10-07 off, 10-10 worked)', () => {
    // 09-30, 10-08, 10-09, 10-10 (Saturday, make-up day), 10-12
    expect(addWorkingDays('2026-09-29', 5)).toBe('2026-10-12');
    expect(addWorkingDays('2026-09-29', 3)).toBe('2026-10-09');
  });

  it('skips the Mid-Autumn holiday and counts the 调休 Sunday before it (2026-09-20 worked, 09-25 off)', () => {
    expect(addWorkingDays('2026-09-19', 1)).toBe('2026-09-20');
    expect(addWorkingDays('2026-09-24', 1)).toBe('2026-09-28');
  });

  it('counts the day of filing by the mainland date, not the server zone', () => {
    // 16:30 UTC on 09-28 is 00:30 on 09-29 in Beijing
    expect(mainlandDate(new Date('2026-09-28T16:30:00Z'))).toBe('2026-09-29');
    expect(dueAfter(new Date('2026-09-28T16:30:00Z'), 5)).toBe('2026-10-12');
  });

  it('refuses a deadline in a year the calendar package has no schedule for', () => {
    expect(() => addWorkingDays('2099-06-01', 5)).toThrow(CalendarNotCoveredError);
  });

  it('is overdue only after the due day has passed in Beijing', () => {
    expect(isOverdue('2026-10-12', new Date('2026-10-12T15:59:00Z'))).toBe(false);
    expect(isOverdue('2026-10-12', new Date('2026-10-12T16:01:00Z'))).toBe(true);
  });
});
