import { chunkDatums, ValueBatch } from "../../../app-code/shared/metric-batch";

const dims = [{ Name: "Type", Value: "Single-Queue" }];
const at = new Date("2026-01-01T00:00:00Z");

test("groups equal values (to the millisecond) into Values/Counts and empties itself", () => {
  const batch = new ValueBatch();
  [5, 5.0001, 2, 5, 2.5].forEach((v) => batch.add(v));
  expect(batch.sampleCount).toBe(5);
  expect(batch.drain("M", dims, at)).toEqual([
    { MetricName: "M", Dimensions: dims, Timestamp: at, Unit: "Seconds", Values: [2, 2.5, 5], Counts: [1, 1, 3] },
  ]);
  expect(batch.sampleCount).toBe(0);
  expect(batch.drain("M", dims, at)).toEqual([]);
});

test("more than 150 distinct values split into several datums; restore puts them back", () => {
  const batch = new ValueBatch();
  for (let i = 0; i < 400; i++) batch.add(i / 1000);
  const datums = batch.drain("M", dims, at);
  expect(datums.map((d) => d.Values.length)).toEqual([150, 150, 100]);
  batch.restore(datums);
  expect(batch.sampleCount).toBe(400);
});

test("chunkDatums splits into PutMetricData-sized groups", () => {
  expect(chunkDatums([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
});
