import { sqsEventSourceProblems, visibilityTimeoutForFunction } from "../../src/lambda-sqs";

test("the queue's visibility timeout is 6 × the function timeout, within 12 hours", () => {
  expect(visibilityTimeoutForFunction(30)).toBe(180);
  expect(visibilityTimeoutForFunction(900)).toBe(5400);
  expect(visibilityTimeoutForFunction(10_000)).toBe(43_200);
});

test("an event source mapping Lambda accepts has no problem; each refusal names the field, the value and the range", () => {
  const ok = { batchSize: 10, batchingWindowSeconds: 0, maximumConcurrency: 2, fifo: false };
  expect(sqsEventSourceProblems(ok)).toEqual([]);
  expect(sqsEventSourceProblems({ ...ok, batchSize: 100, batchingWindowSeconds: 5 })).toEqual([]);
  expect(sqsEventSourceProblems({ ...ok, batchSize: 100 })).toEqual(["batchSize 100 needs a batching window: expected batchingWindowSeconds of at least 1 for batches over 10"]);
  expect(sqsEventSourceProblems({ ...ok, batchSize: 11, fifo: true, batchingWindowSeconds: 1 })).toEqual([
    "batchSize 11 is invalid: expected an integer from 1 up to 10 (FIFO queue)",
    "batchingWindowSeconds 1 is invalid for a FIFO queue: expected 0",
  ]);
  expect(sqsEventSourceProblems({ ...ok, maximumConcurrency: 1, batchingWindowSeconds: 301 })).toEqual([
    "batchingWindowSeconds 301 is invalid: expected an integer from 0 up to 300",
    "maximumConcurrency 1 is invalid: expected an integer from 2 up to 1000",
  ]);
});
