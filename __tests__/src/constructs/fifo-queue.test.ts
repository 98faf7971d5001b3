import { TerraformStack, Testing } from "cdktf";
import { FifoQueueWithDlq, MAX_VISIBILITY_TIMEOUT_SECONDS, visibilityTimeoutFor } from "../../../src/constructs/fifo-queue";

describe("visibilityTimeoutFor", () => {
  it("is 1.5 × the longest processing time plus 30 s, rounded up", () => {
    expect(visibilityTimeoutFor(60)).toBe(120);
    expect(visibilityTimeoutFor(5)).toBe(38);
    expect(visibilityTimeoutFor(1)).toBe(32);
  });

  it("stays within SQS's 12-hour limit", () => {
    expect(visibilityTimeoutFor(28_000)).toBe(42_030); // the longest maxMessageDurationSeconds allows
    expect(visibilityTimeoutFor(40_000)).toBe(MAX_VISIBILITY_TIMEOUT_SECONDS);
  });
});

describe("FifoQueueWithDlq", () => {
  it("refuses a queue name without the .fifo suffix", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(
      () => new FifoQueueWithDlq(stack, "q", { name: "jobs", deadLetterQueueName: "jobs-dlq.fifo", maxProcessingSeconds: 10 }),
    ).toThrow('FIFO queue name "jobs" must end in .fifo');
  });
});
