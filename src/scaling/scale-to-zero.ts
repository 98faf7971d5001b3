/**
 * What the sqs-scale-to-zero stack deploys that decides scaling, as data computed from its settings, in a pure
 * module: the stack synthesizes its alarms and policies from `scaleToZeroPlan`, the local run's stand-in for the
 * alarms evaluates the same rules (src/scaling/alarm.ts), and the simulator can model the same object.
 * `SOURCE_SCALE_TO_ZERO` is the source's design (the aws-cdk blog post, PATTERNS.md §2) for comparison.
 */
import { AlarmRule } from "./alarm";
import type { StepAdjustment } from "./step-adjustment";
import { SOURCE_IDLE_CPU_PERIOD_SECONDS, type ScaleToZeroSettings } from "../settings/sqs-scale-to-zero";

/** A step of a step policy: the same type the StepScalingPolicyWithAlarm construct takes (src/scaling/step-adjustment.ts). */
export type PlanStep = StepAdjustment;

/**
 * The scale-out alarm's metric. `visible`: the queue's ApproximateNumberOfMessagesVisible. `visible-while-no-task`:
 * metric math that is the visible count while the service runs no task (ECS/ContainerInsights RunningTaskCount, a
 * gap read as 0) and 0 otherwise, so with a target-tracking policy beside it the step policy only takes the
 * service from 0 to 1 and never fights the tracking above 1.
 */
export type ScaleOutMetric = "visible" | "visible-while-no-task";

/** `queue-empty`: visible + in flight (both Maximum). `cpu`: AWS/ECS CPUUtilization of the service (Average). */
export type IdleMetric = "queue-empty" | "cpu";

export interface ScaleToZeroPlan {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scaleOut: {
    readonly metric: ScaleOutMetric;
    readonly alarm: AlarmRule;
    readonly adjustmentType: "ChangeInCapacity";
    readonly steps: readonly PlanStep[];
    readonly cooldownSeconds: number;
  };
  readonly idle: {
    readonly metric: IdleMetric;
    readonly alarm: AlarmRule;
    readonly adjustmentType: "ExactCapacity";
    readonly steps: readonly PlanStep[];
    readonly cooldownSeconds: number;
  };
  /** With maxCapacity above 1: target tracking on backlog per task from 1 task up. */
  readonly backlogTracking?: { readonly targetValue: number; readonly scaleOutCooldownSeconds: number; readonly scaleInCooldownSeconds: number };
  /** The worker: protection while busy, heartbeat, SIGTERM drain. */
  readonly worker: { readonly taskProtection: boolean; readonly extendsVisibility: boolean; readonly visibilityTimeoutSeconds: number; readonly maxReceiveCount?: number };
}

/** Add one task when the alarm goes off (the source's `{lower: 1, change: +1}`: bound 0 above the threshold 1). */
const ADD_ONE: readonly PlanStep[] = [{ lower: 0, change: 1 }];
/** Set exactly 0 tasks (the source's ExactCapacity step `{upper: 0, change: 0}`). */
const SET_ZERO: readonly PlanStep[] = [{ upper: 0, change: 0 }];

/** The source's idle alarm: CPUUtilization Average ≤ 0.01 % over one 3-minute period. */
export const SOURCE_IDLE_CPU_ALARM: AlarmRule = {
  periodSeconds: SOURCE_IDLE_CPU_PERIOD_SECONDS,
  statistic: "Average",
  comparison: "LessThanOrEqualToThreshold",
  threshold: 0.01,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  // The source leaves CloudWatch's default; with 0 tasks there is no CPU datapoint, which must not count as idle or busy.
  treatMissingData: "missing",
};

/** The plan of what the stack deploys with these settings. */
export function scaleToZeroPlan(s: ScaleToZeroSettings): ScaleToZeroPlan {
  const tracking = s.maxCapacity > 1;
  const idleMinutes = s.idleMinutes;
  return {
    minCapacity: s.minCapacity,
    maxCapacity: s.maxCapacity,
    scaleOut: {
      metric: tracking ? "visible-while-no-task" : "visible",
      alarm: {
        periodSeconds: s.scaleOutPeriodSeconds,
        statistic: "Maximum",
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // A gap (an SQS queue untouched for 6 h stops emitting) starts a task rather than leave a message unserved;
        // that task's polling brings the datapoints back, and the idle alarm stops it again.
        treatMissingData: "breaching",
      },
      adjustmentType: "ChangeInCapacity",
      steps: ADD_ONE,
      cooldownSeconds: s.scaleOutCooldownSeconds,
    },
    idle: {
      metric: s.idleSignal === "cpu" ? "cpu" : "queue-empty",
      alarm:
        s.idleSignal === "cpu"
          ? { ...SOURCE_IDLE_CPU_ALARM, treatMissingData: "notBreaching" }
          : {
              periodSeconds: 60,
              statistic: "Maximum",
              comparison: "LessThanOrEqualToThreshold",
              threshold: 0,
              evaluationPeriods: idleMinutes,
              datapointsToAlarm: idleMinutes,
              // A gap never stops a task: only datapoints that say "nothing visible, nothing in flight" count.
              treatMissingData: "notBreaching",
            },
      adjustmentType: "ExactCapacity",
      steps: SET_ZERO,
      cooldownSeconds: 60,
    },
    backlogTracking: tracking
      ? { targetValue: s.backlogPerTaskTarget, scaleOutCooldownSeconds: s.scaleOutCooldownSeconds, scaleInCooldownSeconds: 300 }
      : undefined,
    worker: { taskProtection: true, extendsVisibility: true, visibilityTimeoutSeconds: s.visibilityTimeoutSeconds, maxReceiveCount: s.dlqMaxReceiveCount },
  };
}

/**
 * The source as published ([S1] + what aws-cdk synthesizes from it): 0..1 tasks; scale out +1 on
 * ApproximateNumberOfMessagesVisible ≥ 1, Maximum over 5 minutes, 1 of 1, cooldown 300 s (Application Auto
 * Scaling's default); idle = CPUUtilization ≤ 0.01 % over 3 minutes → exactly 0; no protection, no heartbeat,
 * 12 h visibility, no DLQ. (Its construct's CPU target tracking at 50 % is not in this plan; the simulator adds it.)
 */
export const SOURCE_SCALE_TO_ZERO: ScaleToZeroPlan = {
  minCapacity: 0,
  maxCapacity: 1,
  scaleOut: {
    metric: "visible",
    alarm: {
      periodSeconds: 300,
      statistic: "Maximum",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "missing",
    },
    adjustmentType: "ChangeInCapacity",
    steps: ADD_ONE,
    cooldownSeconds: 300,
  },
  idle: { metric: "cpu", alarm: SOURCE_IDLE_CPU_ALARM, adjustmentType: "ExactCapacity", steps: SET_ZERO, cooldownSeconds: 300 },
  worker: { taskProtection: false, extendsVisibility: false, visibilityTimeoutSeconds: 43_200 },
};
