/**
 * Settings of the stack sqs-scale-to-zero (PATTERNS.md §2, the aws-cdk blog post): context
 * `"sqs-scale-to-zero": {...}`, environment `QS_SQS_SCALE_TO_ZERO__*`. Defaults: the source's 0..1 tasks of 4 vCPU / 8 GiB on a FIFO
 * queue, with its defects fixed (1-minute scale-out alarm, idle = nothing visible or in flight for 10 minutes, DLQ,
 * a 15-minute visibility timeout with a heartbeat instead of 12 h); see docs/sqs-scale-to-zero.md.
 */
import { alarmWindowProblem } from "../scaling/alarm";
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from "../visibility-timeout";
import { def, stackSettings, ValuesOf } from "./group";
import { decimal, integer, oneOf, where } from "./parsers";
import {
  buildWorkerImageSetting,
  capacityCheck,
  capacitySetting,
  cpuSetting,
  dlqMaxReceiveCountSetting,
  fargateSizeCheck,
  memorySetting,
  metricNamespaceSetting,
  nameSetting,
  secondsSetting,
  stackEnv,
} from "./pattern-common";

export const SCALE_TO_ZERO_STACK = "sqs-scale-to-zero";

export type IdleSignal = "queue" | "cpu";

/** The source's CPU idle alarm: one 3-minute period (a fixed shape, selectable with idleSignal cpu). */
export const SOURCE_IDLE_CPU_PERIOD_SECONDS = 180;

/** Seconds of quiet the idle alarm waits for. */
export function idleWindowSeconds(s: { readonly idleSignal: IdleSignal; readonly idleMinutes: number }): number {
  return s.idleSignal === "cpu" ? SOURCE_IDLE_CPU_PERIOD_SECONDS : s.idleMinutes * 60;
}

export const SCALE_TO_ZERO_SETTINGS = stackSettings(SCALE_TO_ZERO_STACK, {
  doc: "The aws-cdk blog's worker that scales from and to zero: a step policy starts a task when a message waits, a second one sets 0 tasks once the queue is idle. Defaults are the source's sizes and bounds with its defects fixed, as each setting's text says.",
  definitions: {
    name: nameSetting(SCALE_TO_ZERO_STACK, "scale-to-zero"),
    queueType: def({
      key: "queueType",
      env: stackEnv(SCALE_TO_ZERO_STACK, "queueType"),
      doc: "`fifo` (the source's: `<name>.fifo` with content-based deduplication; messages of one group in order) or `standard`.",
      allowed: "fifo or standard",
      default: "fifo" as "fifo" | "standard",
      parse: oneOf("fifo", "standard"),
    }),
    minCapacity: capacitySetting(SCALE_TO_ZERO_STACK, "minCapacity",
      0,
      0,
      "Fewest worker tasks; 0 (the source's) lets the idle alarm stop the last task. Above 0 the service never scales to zero.",
    ),
    maxCapacity: capacitySetting(SCALE_TO_ZERO_STACK, "maxCapacity",
      1,
      1,
      "Most worker tasks (the source's 1). Above 1 a backlog-per-task target-tracking policy scales from 1 task up, and the step policy only takes the service from 0 to 1.",
    ),
    cpu: cpuSetting(SCALE_TO_ZERO_STACK, 4096, "the worker task"),
    memory: memorySetting(SCALE_TO_ZERO_STACK, 8192, "the worker task"),
    scaleOutPeriodSeconds: def({
      key: "scaleOutPeriodSeconds",
      env: stackEnv(SCALE_TO_ZERO_STACK, "scaleOutPeriodSeconds"),
      doc: "Period of the scale-out alarm (visible messages, Maximum, 1 of 1). SQS publishes a datapoint a minute: 60 s starts a task up to 4 minutes sooner than the source's 300 s.",
      allowed: "a whole number of minutes in seconds, from 60 to 86400 (SQS metrics have no sub-minute data)",
      default: 60,
      parse: where(integer(60, 86400), (n) => alarmWindowProblem(n, 1) === undefined),
    }),
    scaleOutCooldownSeconds: secondsSetting(SCALE_TO_ZERO_STACK, "scaleOutCooldownSeconds",
      300,
      0,
      86400,
      "Cooldown of the scale-out step policy (Application Auto Scaling's default, which the source leaves in place): while it runs, a repeated alarm adds no second task for the same backlog.",
    ),
    idleSignal: def({
      key: "idleSignal",
      env: stackEnv(SCALE_TO_ZERO_STACK, "idleSignal"),
      doc: "What sets the service to 0 tasks: `queue` (nothing visible and nothing in flight for idleMinutes) or `cpu` (the source's: AWS/ECS CPUUtilization Average ≤ 0.01 % over one 3-minute period; an idle poller may never read that low, a busy I/O-bound task can).",
      allowed: "queue or cpu",
      default: "queue" as IdleSignal,
      parse: oneOf<IdleSignal>("queue", "cpu"),
    }),
    idleMinutes: def({
      key: "idleMinutes",
      env: stackEnv(SCALE_TO_ZERO_STACK, "idleMinutes"),
      doc: "With idleSignal queue: minutes of visible + in-flight = 0 (1-minute datapoints, all of them) before the service is set to 0 tasks.",
      allowed: "an integer from 1 to 1440 (CloudWatch evaluates 1-minute periods over at most a day), longer than the scale-out period",
      default: 10,
      parse: integer(1, 1440),
    }),
    backlogPerTaskTarget: def({
      key: "backlogPerTaskTarget",
      env: stackEnv(SCALE_TO_ZERO_STACK, "backlogPerTaskTarget"),
      doc: "With maxCapacity above 1: target of the backlog-per-task policy (visible messages per running task) that scales from 1 task up.",
      allowed: "a number greater than 0 and at most 1000000",
      default: 1,
      parse: decimal(0, 1_000_000, true),
    }),
    visibilityTimeoutSeconds: secondsSetting(SCALE_TO_ZERO_STACK, "visibilityTimeoutSeconds",
      900,
      30,
      43200,
      "Visibility timeout of the queue. The worker extends it while it works (a heartbeat at half of it), so a long job stays hidden and a crashed one is retried after this, not after the source's 12 h.",
    ),
    maxJobSeconds: secondsSetting(SCALE_TO_ZERO_STACK, "maxJobSeconds",
      3600,
      1,
      43200,
      "Longest `duration` a message may ask for; the worker leaves longer ones for the dead-letter queue. Also sizes the task's scale-in protection.",
    ),
    dlqMaxReceiveCount: dlqMaxReceiveCountSetting(SCALE_TO_ZERO_STACK, 3),
    metricNamespace: metricNamespaceSetting(SCALE_TO_ZERO_STACK, "SQS-Scale-To-Zero"),
    buildWorkerImage: buildWorkerImageSetting(SCALE_TO_ZERO_STACK),
  },
  crossChecks: [
    capacityCheck,
    fargateSizeCheck,
    {
      doc: "the idle window is longer than scaleOutPeriodSeconds",
      check: (s, describe) =>
        idleWindowSeconds(s) > s.scaleOutPeriodSeconds
          ? undefined
          : `the idle window (${s.idleSignal === "cpu" ? `${describe("idleSignal")}: ${SOURCE_IDLE_CPU_PERIOD_SECONDS} s` : `${describe("idleMinutes")} = ${s.idleMinutes * 60} s`}) is not longer than ${describe("scaleOutPeriodSeconds")}; allowed: an idle window longer than the scale-out period, or the scale-out alarm can still be in ALARM for a message already taken when the idle alarm stops the task, and the two fight (mapbox/ecs-watchbot#261).`,
    },
    {
      doc: "maxJobSeconds ≤ 43200 − visibilityTimeoutSeconds / 2 (the heartbeat within SQS's 12-hour total visibility)",
      check: (s, describe) => {
        // The heartbeat extends by one timeout every half timeout; SQS caps a message's total visibility at 12 h.
        const covered = MAX_VISIBILITY_TIMEOUT_SECONDS - Math.ceil(s.visibilityTimeoutSeconds / 2);
        return s.maxJobSeconds <= covered
          ? undefined
          : `${describe("maxJobSeconds")} is more than the heartbeat can keep a message hidden with ${describe("visibilityTimeoutSeconds")}; allowed: at most ${covered} (SQS's 12-hour total visibility minus half the timeout).`;
      },
    },
  ],
});

export type ScaleToZeroSettings = ValuesOf<typeof SCALE_TO_ZERO_SETTINGS.definitions>;
