import { AWSTUT_PUBLISHED, queueDepthTrackingModel } from "../../../src/scaling/queue-depth-tracking";
import { testSettings } from "../../helpers";

const qdt = (own: Record<string, unknown> = {}) => testSettings("sqs-queue-depth-tracking", own);

describe("queueDepthTrackingModel", () => {
  it("models what the stack deploys: the source's target and bounds, our cooldowns, protection, drain, heartbeat, DLQ", () => {
    expect(queueDepthTrackingModel(qdt())).toEqual({
      policy: { kind: "target-tracking", metric: "queue-depth", targetValue: 3, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 3600 },
      minCapacity: 1,
      maxCapacity: 3,
      worker: { concurrency: 1, workSeconds: 60, taskProtection: true, drainsOnStop: true, extendsVisibility: true, visibilityTimeoutSeconds: 90, maxReceiveCount: 5 },
      producer: { gapMinSeconds: 10, gapMaxSeconds: 60 },
    });
    expect(queueDepthTrackingModel(qdt({ producerEnabled: false })).producer).toBeUndefined();
  });

  it("keeps the source's published design beside it: cooldowns 0, no protection, drain, heartbeat or DLQ", () => {
    expect(AWSTUT_PUBLISHED.policy).toEqual({ kind: "target-tracking", metric: "queue-depth", targetValue: 3, scaleOutCooldownSeconds: 0, scaleInCooldownSeconds: 0 });
    expect(AWSTUT_PUBLISHED.worker).toMatchObject({ taskProtection: false, drainsOnStop: false, extendsVisibility: false, maxReceiveCount: undefined });
  });
});
