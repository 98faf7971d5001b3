import { MAX_VISIBILITY_TIMEOUT_SECONDS, visibilityTimeoutFor } from "../../src/visibility-timeout";

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
