import { median } from "../../../tools/lib/stats";

test("median: the middle value, the mean of the two middle ones for an even count, unsorted input left alone", () => {
  const input = [5, 1, 3];
  expect(median(input)).toBe(3);
  expect(input).toEqual([5, 1, 3]);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(() => median([])).toThrow(RangeError);
});
