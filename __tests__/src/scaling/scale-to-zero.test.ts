import { evaluateAlarm } from "../../../src/scaling/alarm";
import { SOURCE_SCALE_TO_ZERO, scaleToZeroPlan } from "../../../src/scaling/scale-to-zero";
import { testSettings } from "../../helpers";

const stz = (own: Record<string, unknown> = {}) => testSettings("sqs-scale-to-zero", own);

describe("scaleToZeroPlan", () => {
  it("by default: +1 task on a 1-minute Maximum ≥ 1 (gaps breach), exactly 0 after 10 empty minutes (gaps do not)", () => {
    const plan = scaleToZeroPlan(stz());
    expect(plan.scaleOut).toEqual({
      metric: "visible",
      alarm: { periodSeconds: 60, statistic: "Maximum", comparison: "GreaterThanOrEqualToThreshold", threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "breaching" },
      adjustmentType: "ChangeInCapacity",
      steps: [{ lower: 0, change: 1 }],
      cooldownSeconds: 300,
    });
    expect(plan.idle).toMatchObject({
      metric: "queue-empty",
      alarm: { periodSeconds: 60, comparison: "LessThanOrEqualToThreshold", threshold: 0, evaluationPeriods: 10, datapointsToAlarm: 10, treatMissingData: "notBreaching" },
      adjustmentType: "ExactCapacity",
      steps: [{ upper: 0, change: 0 }],
    });
    expect(plan.backlogTracking).toBeUndefined();
  });

  it("above 1 task: backlog-per-task tracking, and the step alarm only for the first task", () => {
    const plan = scaleToZeroPlan(stz({ maxCapacity: 4, backlogPerTaskTarget: 3 }));
    expect(plan.scaleOut.metric).toBe("visible-while-no-task");
    expect(plan.backlogTracking).toEqual({ targetValue: 3, scaleOutCooldownSeconds: 300, scaleInCooldownSeconds: 300 });
  });

  it("the idle rule: one message in flight at minute 9 keeps the task; ten empty minutes stop it; a gap never does", () => {
    const { alarm } = scaleToZeroPlan(stz()).idle;
    expect(evaluateAlarm(alarm, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0])).toBe("OK");
    expect(evaluateAlarm(alarm, Array(10).fill(0))).toBe("ALARM");
    expect(evaluateAlarm(alarm, [...Array(9).fill(0), undefined])).toBe("OK");
  });

  it("keeps the source's published design: 5-minute scale-out, CPU ≤ 0.01 % over 3 minutes, no protection, 12 h visibility", () => {
    expect(SOURCE_SCALE_TO_ZERO.scaleOut.alarm).toMatchObject({ periodSeconds: 300, statistic: "Maximum", threshold: 1 });
    expect(SOURCE_SCALE_TO_ZERO.idle).toMatchObject({ metric: "cpu", alarm: { periodSeconds: 180, statistic: "Average", threshold: 0.01 } });
    expect(SOURCE_SCALE_TO_ZERO.worker).toEqual({ taskProtection: false, extendsVisibility: false, visibilityTimeoutSeconds: 43200 });
    expect(scaleToZeroPlan(stz({ idleSignal: "cpu" })).idle.alarm).toEqual({ ...SOURCE_SCALE_TO_ZERO.idle.alarm, treatMissingData: "notBreaching" });
  });
});
