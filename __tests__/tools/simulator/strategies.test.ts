import { visibilityTimeoutFor } from "../../../src/visibility-timeout";
import { capacityUtilisationMath, scalingMetricMath, utilisationStepPolicies } from "../../../app-code/shared/target-bpi";
import { projectScaling } from "../../../src/scaling/dynamic-target-tracking";
import { testSettings } from "../../helpers";
import {
  BLUEPRINT_INTENDED,
  builtInStrategies,
  CDK_QUEUE_PROCESSING,
  CDK_QUEUE_STEPS,
  normalizeStrategy,
  projectStrategy,
  rateSeconds,
  reactiveReference,
  StepScalingSpec,
  TargetTrackingSpec,
  trackingMetric,
  validateStrategy,
} from "../../../tools/simulator/strategies";

test("project-defaults is what the stack deploys with the same settings", () => {
  const s = testSettings("sqs-dynamic-target-tracking");
  const e = projectStrategy(s);
  const math = scalingMetricMath(s.scalingMetric, s.desiredLatencySeconds);
  expect(e).toMatchObject({
    minCapacity: s.minCapacity,
    maxCapacity: s.maxCapacity,
    targetSetter: {
      everySeconds: rateSeconds(s.targetSetterSchedule),
      desiredLatencySeconds: s.desiredLatencySeconds,
      defaultDurationSeconds: s.defaultMessageDurationSeconds,
      lookbackMinutes: s.targetSetterLookbackMinutes,
      updateThreshold: s.targetUpdateThreshold,
      utilisation: s.targetUtilisation,
    },
    worker: {
      concurrency: s.workerConcurrency,
      taskProtection: true,
      extendsVisibility: true,
      maxDurationSeconds: s.maxMessageDurationSeconds,
      releasesInvalid: true,
      maxReceiveCount: s.dlqMaxReceiveCount,
      fifoGroups: s.messageGroupCount,
      contentDeduplication: true,
    },
  });
  const [tracking, burst, idle] = e.policies as [TargetTrackingSpec, StepScalingSpec, StepScalingSpec];
  expect(tracking).toEqual({
    kind: "target-tracking",
    metric: s.scalingMetric,
    latencySeconds: s.desiredLatencySeconds,
    target: projectScaling(s).initialTarget,
    scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: s.scaleInCooldownSeconds,
  });
  // The expression the model evaluates is the shared module's, query by query.
  expect(trackingMetric(tracking)).toEqual({
    expression: math.expression.text,
    queries: Object.fromEntries(math.queries.map((q) => [q.id, { metricName: q.metricName, statistic: q.stat }])),
  });
  // The step policies are the shared module's, thresholds and steps included.
  const shared = utilisationStepPolicies(s.targetUtilisation);
  expect([burst, idle].map((p) => [p.alarm.comparison, p.alarm.threshold, p.alarm.evaluationPeriods, p.cooldownSeconds])).toEqual(
    shared.map((p) => [p.comparison, p.threshold, p.evaluationPeriods, p.cooldownSeconds]),
  );
  expect(burst.steps.map((st) => st.adjustment)).toEqual(shared[0].steps.map((st) => st.percent));
  expect(burst.alarm.metric).toEqual(expect.objectContaining({ expression: capacityUtilisationMath(s.desiredLatencySeconds, s.workerConcurrency).expression.text }));
  expect(projectStrategy(testSettings("sqs-dynamic-target-tracking", { targetSetterEnabled: "false" })).targetSetter).toBeUndefined();
  expect(projectStrategy(testSettings("sqs-dynamic-target-tracking", { stepScaling: "false" })).policies).toHaveLength(1);
});

test("the reactive reference runs on the project's worker and bounds and is marked not deployable", () => {
  const s = testSettings("sqs-dynamic-target-tracking", { maxCapacity: "20" });
  const r = reactiveReference(s);
  expect(r).toMatchObject({ reference: true, minCapacity: 1, maxCapacity: 20, policies: [{ kind: "reactive-reference", latencySeconds: 60 }] });
  expect(r.worker).toEqual(projectStrategy(s).worker);
});

test.each(["5", "61", "28000"])("the visibility timeout is the queue's for maxMessageDurationSeconds %s", (seconds) => {
  const e = projectStrategy(testSettings("sqs-dynamic-target-tracking", { maxMessageDurationSeconds: seconds }));
  expect(e.worker.visibilityTimeoutSeconds).toBe(visibilityTimeoutFor(Number(seconds)));
});

test("schedules: rate() expressions in seconds; a cron schedule cannot be simulated", () => {
  expect([rateSeconds("rate(1 minute)"), rateSeconds("rate(10 minutes)"), rateSeconds("rate(2 hours)")]).toEqual([60, 600, 7200]);
  expect(() => projectStrategy(testSettings("sqs-dynamic-target-tracking", { targetSetterSchedule: "cron(0 * * * ? *)" }))).toThrow(
    'targetSetterSchedule "cron(0 * * * ? *)" cannot be simulated; allowed here: rate(N minutes|hours|days)',
  );
});

test("the built-in strategies are valid, (a) to (e), the patterns and the reference (r) in order", () => {
  const all = builtInStrategies({
    "sqs-dynamic-target-tracking": testSettings("sqs-dynamic-target-tracking"),
    "sqs-queue-depth-tracking": testSettings("sqs-queue-depth-tracking"),
    "sqs-scale-to-zero": testSettings("sqs-scale-to-zero"),
    "sqs-task-per-message": testSettings("sqs-task-per-message"),
    "sqs-recursive-fanout": testSettings("sqs-recursive-fanout"),
  });
  expect(all.map((s) => s.description.split(" ")[0])).toEqual(["(a)", "(b)", "(c)", "(d)", "(e)", "(A)", "(A')", "(B)", "(B')", "(r)", "(C')", "(D')"]);
  expect(all.map((s) => s.name)).toEqual([
    "blueprint-published",
    "blueprint-intended",
    "queue-depth",
    "cdk-queue-processing",
    "project-defaults",
    "queue-depth-awstut",
    "sqs-queue-depth-tracking",
    "cdk-scale-to-zero-blog",
    "sqs-scale-to-zero",
    "reactive-reference",
    "sqs-task-per-message",
    "sqs-recursive-fanout",
  ]);
  for (const s of all) expect(validateStrategy(s)).toEqual([]);
});

test("a user strategy with bad fields gets one problem per field", () => {
  const tracking = BLUEPRINT_INTENDED.policies[0] as TargetTrackingSpec;
  const bad = { ...BLUEPRINT_INTENDED, name: "Mine", minCapacity: 5, maxCapacity: 2, policies: [{ ...tracking, target: 0 }, { kind: "predictive" }] };
  expect(validateStrategy(bad as never)).toEqual([
    'strategy "Mine": name is "Mine"; allowed: 1-41 lower-case letters, digits and hyphens',
    'strategy "Mine": minCapacity 5 > maxCapacity 2; allowed: min <= max',
    'strategy "Mine": policies[0].target is 0; allowed: a number > 0',
    'strategy "Mine": policies[1].kind is "predictive"; allowed: target-tracking, step-scaling or reactive-reference',
  ]);
  const step = {
    ...BLUEPRINT_INTENDED,
    policies: [{ kind: "step-scaling", alarm: { metric: { metricName: "MemoryUtilization" }, statistic: "p99", periodMinutes: 0, evaluationPeriods: 1, comparison: ">", threshold: 1 }, steps: [], cooldownSeconds: 60 }],
  };
  expect(validateStrategy(step as never)).toEqual([
    'strategy "blueprint-intended": policies[0].alarm.metric.metricName is "MemoryUtilization"; allowed: ApproximateNumberOfMessagesVisible, ApproximateNumberOfMessagesNotVisible, RunningTaskCount, NumberOfMessagesSent, NumberOfMessagesDeleted, MsgProcessingDuration, CPUUtilization',
    'strategy "blueprint-intended": policies[0].alarm.statistic is "p99"; allowed: Maximum, Minimum, Average, Sum, SampleCount',
    'strategy "blueprint-intended": policies[0].alarm.periodMinutes is 0; allowed: an integer >= 1',
    'strategy "blueprint-intended": policies[0].alarm.comparison is ">"; allowed: GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold',
    'strategy "blueprint-intended": policies[0].steps is empty; allowed: at least one step',
  ]);
});

test("a file's older single `policy` with aws-cdk steps becomes the two step policies aws-cdk deploys", () => {
  const legacy = {
    ...CDK_QUEUE_PROCESSING,
    policies: undefined,
    policy: { kind: "step-scaling", metric: "queue-depth", periodMinutes: 5, steps: CDK_QUEUE_STEPS, cooldownSeconds: 300 },
  };
  expect(normalizeStrategy(legacy).policies).toEqual(CDK_QUEUE_PROCESSING.policies);
  const tracking = { ...BLUEPRINT_INTENDED, policies: undefined, policy: BLUEPRINT_INTENDED.policies[0] };
  expect(normalizeStrategy(tracking).policies).toEqual(BLUEPRINT_INTENDED.policies);
  expect(normalizeStrategy(BLUEPRINT_INTENDED)).toBe(BLUEPRINT_INTENDED);
});
