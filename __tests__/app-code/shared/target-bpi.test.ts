import {
  capacityUtilisationMath,
  compileMetricMath,
  computeTargetBpi,
  DEFAULT_MAX_TARGET,
  DEFAULT_MIN_LOAD_TARGET,
  DEFAULT_MIN_TARGET,
  DEFAULT_UTILISATION,
  needsUpdate,
  scalingMetricMath,
  TargetBpiOptions,
  utilisationStepPolicies,
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

describe("computeTargetBpi for load-per-task", () => {
  const load: TargetBpiOptions = { ...blueprint, metric: "load-per-task" };

  test("u × latency × concurrency / duration, u = 0.9 by default", () => {
    expect(computeTargetBpi(5, load).target).toBeCloseTo(10.8, 12);
    expect(computeTargetBpi(5, { ...load, utilisation: 0.5, concurrency: 2 }).target).toBeCloseTo(12, 12);
    expect(DEFAULT_UTILISATION).toBe(0.9);
  });

  test("a message longer than the window asks for less than one message per task (no clamp at 1)", () => {
    expect(computeTargetBpi(600, load).target).toBeCloseTo(0.09, 12);
    expect(computeTargetBpi(1e9, load).target).toBe(DEFAULT_MIN_LOAD_TARGET);
  });

  test.each([0, 1.1, NaN])("rejects utilisation %p", (utilisation) => {
    expect(() => computeTargetBpi(5, { ...load, utilisation })).toThrow(/utilisation must be a number in \(0, 1\]/);
  });

  test("rejects an unknown metric by name", () => {
    expect(() => computeTargetBpi(5, { ...blueprint, metric: "queue-depth" as never })).toThrow(
      'metric must be one of load-per-task, backlog-per-task, got "queue-depth"',
    );
  });
});

describe("compileMetricMath: CloudWatch's arithmetic", () => {
  test("precedence, parentheses, unary minus, decimals and ABS", () => {
    expect(compileMetricMath("1 + 2 * 3 - 4 / 2")({})).toBe(5);
    expect(compileMetricMath("(1 + 2) * -m1")({ m1: 3 })).toBe(-9);
    expect(compileMetricMath("ABS(m1 - m2) + .5")({ m1: 2, m2: 5 })).toBe(3.5);
  });

  test("a missing value is 0; a division by zero drops the datapoint, wherever it is", () => {
    expect(compileMetricMath("m1 + m3")({ m1: 4 })).toBe(4);
    expect(compileMetricMath("m1 / m2")({ m1: 4 })).toBeUndefined();
    expect(compileMetricMath("ABS(m1 / m2) + 1")({ m1: 4, m2: 0 })).toBeUndefined();
  });

  test.each([
    ["MAX(m1)", /function MAX is not supported \(allowed: ABS\)/],
    ["m1 ^ 2", /unsupported at position 4/],
    ["(m1 + 2", /missing \)/],
    ["m1 m2", /unexpected "m2"/],
    ["m1 +", /ends early/],
  ])("rejects %p", (text, message) => {
    expect(() => compileMetricMath(text)).toThrow(message);
  });
});

describe("the metric math of the scaling metrics", () => {
  const values = { m1: 30, m2: 4, m3: 50, m4: 250, m5: 50 };

  test("backlog-per-task is the blueprint's m1 / m2 over visible messages and running tasks", () => {
    const math = scalingMetricMath("backlog-per-task");
    expect(math.expression.text).toBe("m1 / m2");
    expect(math.queries.map((q) => [q.id, q.namespace, q.metricName, q.stat])).toEqual([
      ["m1", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum"],
      ["m2", "ECS/ContainerInsights", "RunningTaskCount", "Average"],
    ]);
    expect(compileMetricMath(math.expression.text)(values)).toBe(7.5);
  });

  test("load-per-task: arrivals within L plus the backlog beyond one minute's arrivals, per task; L is a constant of the text", () => {
    const math = scalingMetricMath("load-per-task", 60);
    expect(math.queries.map((q) => [q.id, q.metricName, q.stat])).toEqual([
      ["m1", "ApproximateNumberOfMessagesVisible", "Sum"],
      ["m2", "RunningTaskCount", "Average"],
      ["m3", "NumberOfMessagesSent", "Sum"],
    ]);
    const e1 = compileMetricMath(math.expression.text);
    expect(e1(values)).toBe(50 / 4); // 30 waiting are within the 50 just sent
    expect(e1({ ...values, m1: 80 })).toBe((50 + 30) / 4);
    expect(compileMetricMath(scalingMetricMath("load-per-task", 30).expression.text)(values)).toBe(25 / 4);
    expect(e1({ ...values, m2: 0 })).toBeUndefined();
    expect(() => scalingMetricMath("load-per-task")).toThrow("desiredLatencySeconds is required for load-per-task");
    // At most 10 metrics in an alarm on metric math (CloudWatch); every id is a lower-case letter and digits.
    expect(math.queries.length + 1).toBeLessThanOrEqual(10);
  });

  test("capacity utilisation: the demand's task-seconds (live mean duration m4 / m5) over the running capacity in L", () => {
    const math = capacityUtilisationMath(60, 2);
    const u = compileMetricMath(math.expression.text);
    // demand 50 messages × 5 s over 4 tasks × 2 slots × 60 s.
    expect(u(values)).toBeCloseTo((50 * 5) / (4 * 2 * 60), 12);
    expect(u({ ...values, m5: 0 })).toBeUndefined(); // no message reported: no datapoint
    expect(math.queries.filter((q) => q.scope === "app").map((q) => q.stat)).toEqual(["Sum", "SampleCount"]);
    expect(math.queries.length + 1).toBeLessThanOrEqual(10);
  });
});

describe("the burst and idle step policies", () => {
  const [burst, idle] = utilisationStepPolicies(0.9);

  test("burst: one datapoint at 1.2 × the capacity, percent steps that cover every value above the threshold", () => {
    expect(burst).toMatchObject({ comparison: "GreaterThanOrEqualToThreshold", threshold: 1.2, evaluationPeriods: 1, minAdjustmentMagnitude: 1 });
    expect(burst.steps[0]).toEqual({ lower: 0, upper: 0.3, percent: 300 }); // to 3 × 1.2 / 0.9 = 4 × the capacity
    expect(burst.steps.at(-1)?.upper).toBeUndefined();
    burst.steps.slice(1).forEach((s, i) => expect(s.lower).toBe(burst.steps[i].upper)); // no gap, no overlap
  });

  test("idle: two datapoints below u / 2, steps down to the capacity the band's top needs at u", () => {
    expect(idle).toMatchObject({ comparison: "LessThanThreshold", threshold: 0.45, evaluationPeriods: 2 });
    expect(idle.steps.map((s) => s.percent)).toEqual([-50, -67, -78, -89]);
    expect(idle.steps.at(-1)?.lower).toBeUndefined();
    idle.steps.slice(1).forEach((s, i) => expect(s.upper).toBe(idle.steps[i].lower));
    // At most u / 2: removing the one task AWS removes at least leaves 2 tasks at or below u.
    for (const u of [0.3, 0.6, 1]) expect(utilisationStepPolicies(u)[1].threshold).toBeLessThanOrEqual(u / 2);
  });
});
