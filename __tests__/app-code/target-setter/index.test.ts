/**
 * The target setter handler with CloudWatch and Application Auto Scaling mocked (they cannot run here),
 * asserting the exact requests it makes.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  ScalingPolicy,
} from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { handler, logger } from "../../../app-code/target-setter/index";

// The handler's structured logs are not under test here.
logger.setLogLevel("SILENT");

const cloudwatch = mockClient(CloudWatchClient);
const autoscaling = mockClient(ApplicationAutoScalingClient);

const ENV = {
  AWS_REGION: "us-west-2",
  CLUSTER_NAME: "core-infra",
  SERVICE_NAME: "ecsdemo-queue",
  SCALING_POLICY_NAME: "ecs_sqs_scaling",
  QUEUE_NAME: "ecsdemo-queue-processing-queue.fifo",
  METRIC_NAMESPACE: "ECS-SQS-BPI",
  APP_METRIC_NAME: "MsgProcessingDuration",
  BPI_METRIC_NAME: "ecsTargetBPI",
  METRIC_TYPE: "Single-Queue",
  DESIRED_LATENCY_SECONDS: "60",
  DEFAULT_DURATION_SECONDS: "5",
  WORKER_CONCURRENCY: "1",
  LOOKBACK_MINUTES: "60",
  UPDATE_THRESHOLD: "0.05",
};
const savedEnv = { ...process.env };

// The metric math Terraform set: must come back untouched.
const customizedMetric = {
  Metrics: [
    {
      Id: "m1",
      MetricStat: {
        Metric: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Dimensions: [{ Name: "QueueName", Value: ENV.QUEUE_NAME }] },
        Stat: "Sum",
      },
      ReturnData: false,
    },
    {
      Id: "m2",
      MetricStat: {
        Metric: {
          Namespace: "ECS/ContainerInsights",
          MetricName: "RunningTaskCount",
          Dimensions: [
            { Name: "ClusterName", Value: "core-infra" },
            { Name: "ServiceName", Value: "ecsdemo-queue" },
          ],
        },
        Stat: "Average",
      },
      ReturnData: false,
    },
    { Id: "e1", Expression: "m1 / m2", Label: "backlog per task", ReturnData: true },
  ],
};

function policy(targetValue: number): ScalingPolicy {
  return {
    PolicyARN: "arn:aws:autoscaling:us-west-2:123456789012:scalingPolicy:x",
    PolicyName: "ecs_sqs_scaling",
    ServiceNamespace: "ecs",
    ResourceId: "service/core-infra/ecsdemo-queue",
    ScalableDimension: "ecs:service:DesiredCount",
    PolicyType: "TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: targetValue,
      CustomizedMetricSpecification: customizedMetric,
      ScaleInCooldown: 240,
      ScaleOutCooldown: 240,
      DisableScaleIn: false,
    },
    CreationTime: new Date("2026-01-01T00:00:00Z"),
  };
}

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

beforeEach(() => {
  cloudwatch.reset();
  autoscaling.reset();
  process.env = { ...savedEnv, ...ENV };
  cloudwatch.on(PutMetricDataCommand).resolves({});
  autoscaling.on(PutScalingPolicyCommand).resolves({ PolicyARN: "arn" });
});
afterAll(() => {
  process.env = savedEnv;
});

test("weighted mean over the window -> new target; only TargetValue changes; BPI published", async () => {
  // Two pages. Minute 1: 1 message of 30 s; minute 2: 9 messages of 10/3 s each. Weighted mean = 60/10 = 6 s
  // (a mean of per-minute averages would say 16.7 s; the newest point alone would say 3.3 s).
  cloudwatch
    .on(GetMetricDataCommand)
    .resolvesOnce({
      MetricDataResults: [
        { Id: "durationSum", Timestamps: [t(1)], Values: [30] },
        { Id: "durationCount", Timestamps: [t(1)], Values: [1] },
      ],
      NextToken: "page2",
    })
    .resolvesOnce({
      MetricDataResults: [
        { Id: "durationSum", Timestamps: [t(2)], Values: [30] },
        { Id: "durationCount", Timestamps: [t(2)], Values: [9] },
      ],
    });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [policy(12)] });

  const result = await handler();

  expect(result).toEqual({ target: 10, durationSeconds: 6, source: "metric", previousTarget: 12, updated: true, samples: 10 });
  const gets = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
  expect(gets).toHaveLength(2);
  expect(gets[1].NextToken).toBe("page2");
  const end = gets[0].EndTime as Date;
  expect(end.getUTCSeconds()).toBe(0);
  expect(end.getTime() - (gets[0].StartTime as Date).getTime()).toBe(60 * 60_000);
  const metric = {
    Namespace: "ECS-SQS-BPI",
    MetricName: "MsgProcessingDuration",
    Dimensions: [
      { Name: "Type", Value: "Single-Queue" },
      { Name: "QueueName", Value: ENV.QUEUE_NAME },
    ],
  };
  expect(gets[0].MetricDataQueries).toEqual([
    { Id: "durationSum", MetricStat: { Metric: metric, Period: 60, Stat: "Sum" }, ReturnData: true },
    { Id: "durationCount", MetricStat: { Metric: metric, Period: 60, Stat: "SampleCount" }, ReturnData: true },
  ]);

  expect(autoscaling.commandCalls(DescribeScalingPoliciesCommand)[0].args[0].input).toEqual({
    ServiceNamespace: "ecs",
    ResourceId: "service/core-infra/ecsdemo-queue",
    ScalableDimension: "ecs:service:DesiredCount",
    PolicyNames: ["ecs_sqs_scaling"],
  });
  const puts = autoscaling.commandCalls(PutScalingPolicyCommand);
  expect(puts).toHaveLength(1);
  expect(puts[0].args[0].input).toEqual({
    PolicyName: "ecs_sqs_scaling",
    ServiceNamespace: "ecs",
    ResourceId: "service/core-infra/ecsdemo-queue",
    ScalableDimension: "ecs:service:DesiredCount",
    PolicyType: "TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 10,
      CustomizedMetricSpecification: customizedMetric,
      ScaleInCooldown: 240,
      ScaleOutCooldown: 240,
      DisableScaleIn: false,
    },
  });

  expect(cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input).toEqual({
    Namespace: "ECS-SQS-BPI",
    MetricData: [
      {
        MetricName: "ecsTargetBPI",
        Dimensions: [
          { Name: "Type", Value: "Single-Queue" },
          { Name: "QueueName", Value: ENV.QUEUE_NAME },
        ],
        Unit: "Count",
        Value: 10,
      },
    ],
  });
});

test("no data -> default duration; target equal to the current one -> policy left alone, BPI still published", async () => {
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "durationSum", Timestamps: [], Values: [] }] });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [policy(12)] });

  expect(await handler()).toMatchObject({ target: 12, source: "default", updated: false, samples: 0 });
  expect(autoscaling.commandCalls(PutScalingPolicyCommand)).toHaveLength(0);
  expect(cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData?.[0].Value).toBe(12);
});

test("a change below the threshold is skipped and the policy's current target is published", async () => {
  // 5.2 s -> 11.54, 3.8 % below 12.
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: "durationSum", Timestamps: [t(5)], Values: [52] },
      { Id: "durationCount", Timestamps: [t(5)], Values: [10] },
    ],
  });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [policy(12)] });

  expect(await handler()).toMatchObject({ updated: false, previousTarget: 12, durationSeconds: 5.2 });
  expect(autoscaling.commandCalls(PutScalingPolicyCommand)).toHaveLength(0);
  expect(cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData?.[0].Value).toBe(12);
});

test("a duration longer than the latency clamps to the minimum target instead of 0", async () => {
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: "durationSum", Timestamps: [t(5)], Values: [600] },
      { Id: "durationCount", Timestamps: [t(5)], Values: [2] },
    ],
  });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [policy(12)] });

  expect(await handler()).toMatchObject({ target: 1, durationSeconds: 300, updated: true });
  expect(autoscaling.commandCalls(PutScalingPolicyCommand)[0].args[0].input.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(1);
});

test("an AWS error fails the run with its context and writes nothing", async () => {
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  autoscaling.on(DescribeScalingPoliciesCommand).rejects(new Error("AccessDeniedException: not authorized"));

  await expect(handler()).rejects.toThrow(
    /DescribeScalingPolicies failed \(.*"resourceId":"service\/core-infra\/ecsdemo-queue".*\): AccessDeniedException/,
  );
  expect(autoscaling.commandCalls(PutScalingPolicyCommand)).toHaveLength(0);
  expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
});

test("a missing policy is an error, not a silent no-op", async () => {
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });

  await expect(handler()).rejects.toThrow(/no target tracking policy named ecs_sqs_scaling on service\/core-infra\/ecsdemo-queue/);
  expect(autoscaling.commandCalls(PutScalingPolicyCommand)).toHaveLength(0);
});

test("bad configuration names the variable, the value and what is allowed", async () => {
  process.env.DESIRED_LATENCY_SECONDS = "zero";
  await expect(handler()).rejects.toThrow('DESIRED_LATENCY_SECONDS="zero" is invalid: expected a number greater than 0 up to 86400');
  expect(cloudwatch.calls()).toHaveLength(0);
});

test("SCALING_METRIC load-per-task: the target is u × latency × concurrency / mean (the shared module's formula)", async () => {
  process.env.SCALING_METRIC = "load-per-task";
  process.env.TARGET_UTILISATION = "0.8";
  cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: "durationSum", Timestamps: [t(5)], Values: [60] },
      { Id: "durationCount", Timestamps: [t(5)], Values: [10] },
    ],
  });
  autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [policy(12)] });

  expect(await handler()).toMatchObject({ target: 8, durationSeconds: 6, updated: true }); // 0.8 × 60 / 6
  const put = autoscaling.commandCalls(PutScalingPolicyCommand)[0].args[0].input;
  expect(put.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(8);
  expect(put.TargetTrackingScalingPolicyConfiguration?.CustomizedMetricSpecification).toEqual(customizedMetric);
});

test("a bad SCALING_METRIC or TARGET_UTILISATION names the variable, the value and what is allowed", async () => {
  process.env.SCALING_METRIC = "queue-depth";
  await expect(handler()).rejects.toThrow('SCALING_METRIC="queue-depth" is invalid: expected one of load-per-task, backlog-per-task');
  process.env.SCALING_METRIC = "load-per-task";
  process.env.TARGET_UTILISATION = "1.5";
  await expect(handler()).rejects.toThrow('TARGET_UTILISATION="1.5" is invalid: expected a number greater than 0 up to 1');
  expect(cloudwatch.calls()).toHaveLength(0);
});
