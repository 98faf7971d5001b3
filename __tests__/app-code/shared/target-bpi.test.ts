import {
  computeTargetBpi,
  DEFAULT_MAX_TARGET,
  DEFAULT_MIN_TARGET,
  needsUpdate,
  TargetBpiOptions,
  weightedMeanDuration,
} from "../../../app-code/shared/target-bpi";

const blueprint: TargetBpiOptions = { desiredLatencySeconds: 60, defaultDurationSeconds: 5, concurrency: 1 };

describe("weightedMeanDuration", () => {
  test("is Σsum/Σcount, not the mean of per-period averages", () => {
    // Period 1: 1 message of 10 s; period 2: 9 messages of 2 s. Mean of averages would be 6.
    expect(weightedMeanDuration([{ sum: 10, sampleCount: 1 }, { sum: 18, sampleCount: 9 }])).toBeCloseTo(2.8, 12);
  });

  test("is undefined with no datapoints or no samples", () => {
    expect(weightedMeanDuration([])).toBeUndefined();
    expect(weightedMeanDuration([{ sum: 0, sampleCount: 0 }])).toBeUndefined();
  });

  test("skips periods with unusable counts or sums", () => {
    expect(
      weightedMeanDuration([
        { sum: 4, sampleCount: 2 },
        { sum: NaN, sampleCount: 3 },
        { sum: 7, sampleCount: -1 },
        { sum: 1, sampleCount: Infinity },
      ]),
    ).toBe(2);
  });
});

describe("computeTargetBpi", () => {
  test("blueprint defaults: 60 s latency / 5 s duration = 12", () => {
    expect(computeTargetBpi(5, blueprint)).toEqual({ target: 12, durationSeconds: 5, source: "metric" });
  });

  test("scales with concurrency and keeps fractions (no truncation)", () => {
    expect(computeTargetBpi(7, { ...blueprint, concurrency: 4 }).target).toBeCloseTo(240 / 7, 12);
  });

  test.each([undefined, 0, -3, NaN, Infinity, -Infinity])("mean %p falls back to the default duration", (mean) => {
    expect(computeTargetBpi(mean, blueprint)).toEqual({ target: 12, durationSeconds: 5, source: "default" });
  });

  test("a duration above the latency clamps to the minimum instead of truncating to 0", () => {
    expect(computeTargetBpi(600, blueprint).target).toBe(DEFAULT_MIN_TARGET);
    expect(computeTargetBpi(1e308, blueprint).target).toBe(DEFAULT_MIN_TARGET);
  });

  test("a tiny duration clamps to the maximum and never becomes infinite", () => {
    expect(computeTargetBpi(0.001, blueprint).target).toBe(DEFAULT_MAX_TARGET);
    expect(computeTargetBpi(Number.MIN_VALUE, blueprint).target).toBe(DEFAULT_MAX_TARGET);
  });

  test("custom clamp range", () => {
    const opts = { ...blueprint, minTarget: 0.5, maxTarget: 20 };
    expect(computeTargetBpi(120, opts).target).toBe(0.5);
    expect(computeTargetBpi(1, opts).target).toBe(20);
    expect(computeTargetBpi(4, opts).target).toBe(15);
  });

  test.each([
    [{ desiredLatencySeconds: 0 }, /desiredLatencySeconds.*got 0/],
    [{ defaultDurationSeconds: -1 }, /defaultDurationSeconds.*got -1/],
    [{ concurrency: NaN }, /concurrency.*got NaN/],
    [{ minTarget: 0 }, /minTarget.*got 0/],
    [{ minTarget: 10, maxTarget: 5 }, /maxTarget must be >= minTarget \(10\), got 5/],
  ])("rejects invalid options %p", (override, message) => {
    expect(() => computeTargetBpi(5, { ...blueprint, ...override })).toThrow(message);
  });
});

describe("needsUpdate", () => {
  test("no usable current value -> update", () => {
    expect(needsUpdate(undefined, 12)).toBe(true);
    expect(needsUpdate(0, 12)).toBe(true);
    expect(needsUpdate(NaN, 12)).toBe(true);
  });

  test("default threshold 5 %, inclusive, both directions", () => {
    expect(needsUpdate(12, 12)).toBe(false);
    expect(needsUpdate(12, 12.59)).toBe(false);
    expect(needsUpdate(12, 12.6)).toBe(true);
    expect(needsUpdate(12, 11.4)).toBe(true);
    expect(needsUpdate(12, 11.41)).toBe(false);
  });

  test("custom threshold", () => {
    expect(needsUpdate(100, 109, 0.1)).toBe(false);
    expect(needsUpdate(100, 110, 0.1)).toBe(true);
  });
});
