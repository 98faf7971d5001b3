import { AlarmRule, alarmWindowProblem, breaches, evaluateAlarm } from "../../../src/scaling/alarm";

const IDLE: AlarmRule = {
  periodSeconds: 60,
  statistic: "Maximum",
  comparison: "LessThanOrEqualToThreshold",
  threshold: 0,
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  treatMissingData: "notBreaching",
};

describe("alarmWindowProblem", () => {
  it("accepts whole minutes within CloudWatch's evaluation range", () => {
    expect(alarmWindowProblem(60, 1)).toBeUndefined();
    expect(alarmWindowProblem(60, 1440)).toBeUndefined();
    expect(alarmWindowProblem(3600, 168)).toBeUndefined();
    expect(alarmWindowProblem(300, 5, 2)).toBeUndefined();
  });

  it.each([
    [30, 1, 1, "period 30 s is not a whole number of minutes"],
    [90, 1, 1, "period 90 s is not a whole number of minutes"],
    [60, 1441, 1, "60 s × 1441 evaluation periods = 86460 s exceeds CloudWatch's 86400 s (one day, for periods under an hour)"],
    [3600, 169, 1, "exceeds CloudWatch's 604800 s (seven days)"],
    [60, 0, 1, "evaluation periods 0 is not an integer of at least 1"],
    [60, 3, 4, "datapoints to alarm 4 is not an integer from 1 to the 3 evaluation periods"],
  ])("refuses period %p × %p (M %p)", (period, n, m, expected) => {
    expect(alarmWindowProblem(period, n, m)).toContain(expected);
  });
});

describe("breaches", () => {
  it("follows each comparison operator at the threshold", () => {
    expect([0.99, 1, 1.01].map((v) => breaches({ comparison: "GreaterThanOrEqualToThreshold", threshold: 1 }, v))).toEqual([false, true, true]);
    expect([0.99, 1, 1.01].map((v) => breaches({ comparison: "GreaterThanThreshold", threshold: 1 }, v))).toEqual([false, false, true]);
    expect([0.99, 1, 1.01].map((v) => breaches({ comparison: "LessThanThreshold", threshold: 1 }, v))).toEqual([true, false, false]);
    expect([0.99, 1, 1.01].map((v) => breaches({ comparison: "LessThanOrEqualToThreshold", threshold: 1 }, v))).toEqual([true, true, false]);
  });
});

describe("evaluateAlarm", () => {
  it("goes to ALARM only after N of N breaching datapoints, and back to OK on one that is not", () => {
    expect(evaluateAlarm(IDLE, [0, 0])).toBe("INSUFFICIENT_DATA");
    expect(evaluateAlarm(IDLE, [0, 0, 0])).toBe("ALARM");
    expect(evaluateAlarm(IDLE, [0, 0, 0, 1])).toBe("OK");
    expect(evaluateAlarm(IDLE, [1, 0, 0, 0])).toBe("ALARM");
  });

  it("M of N: datapointsToAlarm breaching ones anywhere in the window", () => {
    const rule = { ...IDLE, evaluationPeriods: 5, datapointsToAlarm: 2 };
    expect(evaluateAlarm(rule, [0, 1, 1, 1, 0])).toBe("ALARM");
    expect(evaluateAlarm(rule, [1, 1, 1, 1, 0])).toBe("OK");
  });

  it("notBreaching: a gap never sets ALARM on an idle rule; breaching: a gap does on a scale-out rule", () => {
    expect(evaluateAlarm(IDLE, [undefined, undefined, undefined])).toBe("OK");
    expect(evaluateAlarm(IDLE, [0, undefined, 0])).toBe("OK");
    const out: AlarmRule = { ...IDLE, comparison: "GreaterThanOrEqualToThreshold", threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "breaching" };
    expect(evaluateAlarm(out, [0, undefined])).toBe("ALARM");
    expect(evaluateAlarm(out, [undefined, 0])).toBe("OK");
  });

  it("ignore keeps the state over a window without data, missing makes it INSUFFICIENT_DATA; both skip single gaps", () => {
    expect(evaluateAlarm({ ...IDLE, treatMissingData: "ignore" }, [undefined, undefined, undefined], "ALARM")).toBe("ALARM");
    expect(evaluateAlarm({ ...IDLE, treatMissingData: "missing" }, [undefined, undefined, undefined], "ALARM")).toBe("INSUFFICIENT_DATA");
    expect(evaluateAlarm({ ...IDLE, treatMissingData: "missing", datapointsToAlarm: 2 }, [0, undefined, 0])).toBe("ALARM");
    expect(evaluateAlarm({ ...IDLE, treatMissingData: "ignore" }, [0, undefined, 1])).toBe("OK");
  });
});
