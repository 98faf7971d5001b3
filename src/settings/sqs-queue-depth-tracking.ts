/**
 * Settings of the stack sqs-queue-depth-tracking (PATTERNS.md §1, the awstut article): context
 * `"sqs-queue-depth-tracking": {...}`, environment `QS_SQS_QUEUE_DEPTH_TRACKING__*`. Defaults are the source's numbers (target 3 on
 * queue depth, 1..3 tasks, 512 CPU / 1024 MiB, 90 s visibility, a message every 10-60 s, 60 s per message), except
 * where the source has a defect (see docs/sqs-queue-depth-tracking.md).
 */
import { def, stackSettings, ValuesOf } from "./group";
import { boolean, decimal, oneOf } from "./parsers";
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

export const QUEUE_DEPTH_TRACKING_STACK = "sqs-queue-depth-tracking";

export type ScalingMetric = "queue-depth" | "backlog-per-task";

export const QUEUE_DEPTH_TRACKING_SETTINGS = stackSettings(QUEUE_DEPTH_TRACKING_STACK, {
  doc: "The awstut pattern: a producer service and a worker service on one standard queue, target tracking on the queue's depth (target 3, 1..3 tasks), VPC endpoints. Defaults are the source's numbers but where a setting's text says otherwise.",
  definitions: {
    name: nameSetting(QUEUE_DEPTH_TRACKING_STACK, "queue-depth"),
    scalingMetric: def({
      key: "scalingMetric",
      env: stackEnv(QUEUE_DEPTH_TRACKING_STACK, "scalingMetric"),
      doc: "What the worker service's target tracking follows: `queue-depth` (AWS/SQS ApproximateNumberOfMessagesVisible, the pattern's identity) or `backlog-per-task` (metric math visible ÷ ECS/ContainerInsights RunningTaskCount, as the blueprint; AWS's recommendation).",
      allowed: "queue-depth or backlog-per-task",
      default: "queue-depth" as ScalingMetric,
      parse: oneOf<ScalingMetric>("queue-depth", "backlog-per-task"),
    }),
    targetValue: def({
      key: "targetValue",
      env: stackEnv(QUEUE_DEPTH_TRACKING_STACK, "targetValue"),
      doc: "Target value of the policy: visible messages (queue-depth; the source's 3), or messages per task (backlog-per-task: acceptable wait ÷ seconds per message, e.g. 180 s ÷ 60 s = 3).",
      allowed: "a number greater than 0 and at most 1000000",
      default: 3,
      parse: decimal(0, 1_000_000, true),
    }),
    minCapacity: capacitySetting(QUEUE_DEPTH_TRACKING_STACK, "minCapacity",
      1,
      1,
      "Fewest worker tasks. At least 1: target tracking has no documented way up from 0 tasks (use sqs-scale-to-zero for that).",
    ),
    maxCapacity: capacitySetting(QUEUE_DEPTH_TRACKING_STACK, "maxCapacity", 1, 3, "Most worker tasks (the source's 3)."),
    scaleOutCooldownSeconds: secondsSetting(
      QUEUE_DEPTH_TRACKING_STACK,
      "scaleOutCooldownSeconds",
      60,
      0,
      86400,
      "Scale-out cooldown of the policy (the source's: 0 s). With the simulator on the source's traffic (`npm run simulate:queue-depth-cooldowns`), 0 and 60 s do the same; 60 s keeps a repeated alarm from adding tasks while the last ones start.",
    ),
    scaleInCooldownSeconds: secondsSetting(
      QUEUE_DEPTH_TRACKING_STACK,
      "scaleInCooldownSeconds",
      3600,
      0,
      86400,
      "Scale-in cooldown of the policy (the source's: 0 s, which drops a task whenever the queue is empty for a while and adds it back minutes later). 3600 s, chosen with the simulator on the source's traffic: a third of the messages over the goal, 11 % fewer task-hours, a third of the scaling actions.",
    ),
    cpu: cpuSetting(QUEUE_DEPTH_TRACKING_STACK, 512, "each producer and worker task"),
    memory: memorySetting(QUEUE_DEPTH_TRACKING_STACK, 1024, "each producer and worker task"),
    workSeconds: secondsSetting(QUEUE_DEPTH_TRACKING_STACK, "workSeconds", 60, 1, 3600, "Seconds the worker spends on each message (the source's `Interval`, 60)."),
    producerEnabled: def({
      key: "producerEnabled",
      env: stackEnv(QUEUE_DEPTH_TRACKING_STACK, "producerEnabled"),
      doc: "Run the producer service (desired count 1; false: 0, so only the messages you send arrive).",
      allowed: "true or false",
      default: true,
      parse: boolean(),
    }),
    producerGapMinSeconds: secondsSetting(QUEUE_DEPTH_TRACKING_STACK, "producerGapMinSeconds",
      10,
      1,
      3600,
      "Shortest wait of the producer service between two messages (uniform whole seconds between min and max, the source's randint(10, 60)).",
    ),
    producerGapMaxSeconds: secondsSetting(QUEUE_DEPTH_TRACKING_STACK, "producerGapMaxSeconds", 60, 1, 3600, "Longest wait of the producer service between two messages."),
    visibilityTimeoutSeconds: secondsSetting(QUEUE_DEPTH_TRACKING_STACK, "visibilityTimeoutSeconds",
      90,
      10,
      43200,
      "Visibility timeout of the queue (the source's 90 s); the worker extends it while it works on a message, so a message takes longer safely.",
    ),
    dlqMaxReceiveCount: dlqMaxReceiveCountSetting(QUEUE_DEPTH_TRACKING_STACK, 5),
    vpcEndpoints: def({
      key: "vpcEndpoints",
      env: stackEnv(QUEUE_DEPTH_TRACKING_STACK, "vpcEndpoints"),
      doc: "Interface endpoints (sqs, ecr.api, ecr.dkr, logs, monitoring, ssmmessages) in every private subnet and the S3 gateway endpoint on the private route tables, as the source. Off: the tasks reach AWS through core-infra's NAT. Private DNS of an interface endpoint is exclusive per VPC: only one stack in core-infra's VPC may have them on.",
      allowed: "true or false; true only with taskSubnets private",
      default: true,
      parse: boolean(),
    }),
    taskSubnets: def({
      key: "taskSubnets",
      env: stackEnv(QUEUE_DEPTH_TRACKING_STACK, "taskSubnets"),
      doc: "Where the tasks run: `private` (core-infra's private subnets, no public address) or `public` (its public subnets, each task with a public IPv4 address and no NAT or endpoint in the path).",
      allowed: "private or public",
      default: "private" as "private" | "public",
      parse: oneOf("private", "public"),
    }),
    metricNamespace: metricNamespaceSetting(QUEUE_DEPTH_TRACKING_STACK, "SQS-Queue-Depth"),
    buildWorkerImage: buildWorkerImageSetting(QUEUE_DEPTH_TRACKING_STACK),
  },
  crossChecks: [
    capacityCheck,
    fargateSizeCheck,
    {
      doc: "producerGapMinSeconds ≤ producerGapMaxSeconds",
      check: (s, describe) =>
        s.producerGapMinSeconds <= s.producerGapMaxSeconds
          ? undefined
          : `${describe("producerGapMinSeconds")} is greater than ${describe("producerGapMaxSeconds")}; allowed: min <= max.`,
    },
    {
      doc: "vpcEndpoints only with taskSubnets private",
      check: (s, describe) =>
        s.vpcEndpoints && s.taskSubnets !== "private"
          ? `${describe("vpcEndpoints")} with ${describe("taskSubnets")}; allowed: VPC endpoints only with taskSubnets private (tasks in public subnets reach AWS over their public address; turn vpcEndpoints off).`
          : undefined,
    },
  ],
});

export type QueueDepthTrackingSettings = ValuesOf<typeof QUEUE_DEPTH_TRACKING_SETTINGS.definitions>;
