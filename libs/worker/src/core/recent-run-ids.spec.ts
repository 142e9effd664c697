import { RecentRunIds } from './recent-run-ids';

describe('RecentRunIds', () => {
  it('forgets the oldest run ids beyond its capacity', () => {
    const ids = new RecentRunIds(3);
    for (const id of [1, 2, 3, 4]) ids.add(id);
    expect([1, 2, 3, 4].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    expect(ids.size).toBe(3);
  });
});
