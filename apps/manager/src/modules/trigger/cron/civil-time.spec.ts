import { daysInMonth, isLeapYear, wallMsToCivil, weekdayOf } from './civil-time';

describe('civil-time calendar rules over the whole year range', () => {
  it('knows 2100 is not a leap year, and 2000 and 2400 are', () => {
    expect([1900, 2000, 2024, 2100, 2104, 2400].map(isLeapYear)).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2104, 2)).toBe(29);
    expect(wallMsToCivil(Date.UTC(2100, 1, 28) + 86_400_000)).toMatchObject({ year: 2100, month: 3, day: 1 });
    // 2100-03-01 is a Monday; 2101-01-01 a Saturday.
    expect([weekdayOf(2100, 3, 1), weekdayOf(2101, 1, 1)]).toEqual([1, 6]);
  });
});
