import { describe, expect, it } from 'vitest';
import { evenStarts, LINE_UNITS, PAGE_UNITS, pageSlice, pageStarts } from '../../../src/commands/listing.js';

const rows = (n: number, units: number): number[] => Array.from({ length: n }, () => units);

describe('page planning', () => {
  it('caps a page at pageSize rows when the rows are short', () => {
    expect(pageStarts(rows(25, 50), 10, 100)).toEqual([0, 10, 20]);
  });

  it('caps a page at the unit budget when the rows are long, page 1 holding its summary', () => {
    const starts = pageStarts(rows(40, 300), 12, 1000);
    const perPage = starts.map((s, i) => (starts[i + 1] ?? 40) - s);
    expect(perPage[0]).toBeLessThan(perPage[1] ?? 0);
    for (const [i, n] of perPage.entries()) expect(n * 300 + (i === 0 ? 1000 : 0) + 2 * LINE_UNITS).toBeLessThanOrEqual(PAGE_UNITS);
    expect(perPage.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('makes page 1 the summary alone when the summary leaves no room, and never loses a row', () => {
    expect(pageStarts(rows(3, 400), 12, PAGE_UNITS)).toEqual([0, 0]);
    // A row larger than a page still gets a page of its own.
    expect(pageStarts([100, PAGE_UNITS * 2, 100], 12, 0)).toEqual([0, 1, 2]);
    expect(pageStarts([], 12, 500)).toEqual([0]);
  });

  it('slices a page and clamps the page number', () => {
    const list = ['a', 'b', 'c', 'd', 'e'];
    expect(pageSlice(list, 1, [0, 2, 4])).toEqual({ page: 1, pages: 3, items: ['c', 'd'] });
    expect(pageSlice(list, 99, [0, 2, 4])).toEqual({ page: 2, pages: 3, items: ['e'] });
    expect(pageSlice(list, -3, [0, 0])).toEqual({ page: 0, pages: 2, items: [] });
    expect(evenStarts(17, 8)).toEqual([0, 8, 16]);
    expect(evenStarts(0, 8)).toEqual([0]);
  });
});
