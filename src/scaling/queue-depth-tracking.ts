/**
 * What the sqs-queue-depth-tracking stack deploys that decides scaling, as data computed from its settings, in a
 * pure module: the stack builds its policy from `queueDepthTrackingModel`, and the simulator models the same
 * object, so the two cannot drift. `AWSTUT_PUBLISHED` is the source's design (awstut, PATTERNS.md §1) for
 * comparison.
 */
import type { QueueDepthTrackingSettings, ScalingMetric } from "../settings/sqs-queue-depth-tracking";

export interface QueueDepthTrackingModel {
  readonly policy: {
    readonly kind: "target-tracking";
    readonly metric: ScalingMetric;
    readonly targetValue: number;
    readonly scaleOutCooldownSeconds: number;
    readonly scaleInCooldownSeconds: number;
  };
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly worker: {
    /** Messages a task works on at once (one receive of one message, as the source). */
    readonly concurrency: 1;
    readonly workSeconds: number;
    /** Task scale-in protection while a message is in hand. */
    readonly taskProtection: boolean;
    /** Whether the worker finishes or releases its message on SIGTERM (else it dies with it). */
    readonly drainsOnStop: boolean;
    /** Whether it extends the visibility timeout while it works. */
    readonly extendsVisibility: boolean;
    readonly visibilityTimeoutSeconds: number;
    /** Receives after which SQS moves a message to the DLQ; undefined: no DLQ. */
    readonly maxReceiveCount?: number;
  };
  /** The producer service: one message, then a uniform whole-second wait in [min, max]; undefined: not running. */
  readonly producer?: { readonly gapMinSeconds: number; readonly gapMaxSeconds: number };
}

/** The model of what the stack deploys with these settings. */
export function queueDepthTrackingModel(s: QueueDepthTrackingSettings): QueueDepthTrackingModel {
  return {
    policy: {
      kind: "target-tracking",
      metric: s.scalingMetric,
      targetValue: s.targetValue,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
    },
    minCapacity: s.minCapacity,
    maxCapacity: s.maxCapacity,
    worker: {
      concurrency: 1,
      workSeconds: s.workSeconds,
      taskProtection: true,
      drainsOnStop: true,
      extendsVisibility: true,
      visibilityTimeoutSeconds: s.visibilityTimeoutSeconds,
      maxReceiveCount: s.dlqMaxReceiveCount,
    },
    producer: s.producerEnabled ? { gapMinSeconds: s.producerGapMinSeconds, gapMaxSeconds: s.producerGapMaxSeconds } : undefined,
  };
}

/**
 * The source as published ([S0-T] templates): target 3 on ApproximateNumberOfMessagesVisible, cooldowns 0, 1..3
 * tasks, a worker that sleeps 60 s with no protection, no SIGTERM handling and no heartbeat, 90 s visibility, no
 * DLQ, a producer with randint(10, 60) s gaps.
 */
export const AWSTUT_PUBLISHED: QueueDepthTrackingModel = {
  policy: { kind: "target-tracking", metric: "queue-depth", targetValue: 3, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 },
  minCapacity: 1,
  maxCapacity: 3,
  worker: {
    concurrency: 1,
    workSeconds: 60,
    taskProtection: false,
    drainsOnStop: false,
    extendsVisibility: false,
    visibilityTimeoutSeconds: 90,
    maxReceiveCount: undefined,
  },
  producer: { gapMinSeconds: 10, gapMaxSeconds: 60 },
};
