import { Testing } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ServiceScalableTarget } from "../../../src/constructs/service-scalable-target";
import { StepScalingPolicyWithAlarm, StepScalingPolicyWithAlarmProps } from "../../../src/constructs/step-scaling-alarm";
import { TargetTrackingScalingPolicy } from "../../../src/constructs/target-tracking-policy";
import { AlarmRule } from "../../../src/scaling/alarm";
import { constructStack, resourcesOf, TerraformJson } from "../../helpers";

const synthJson = (stack: ReturnType<typeof constructStack>): { synthesized: string; json: TerraformJson } => {
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
};

const RULE: AlarmRule = {
  periodSeconds: 60,
  statistic: "Maximum",
  comparison: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: "breaching",
};

describe("ServiceScalableTarget", () => {
  it("scales the service's DesiredCount with the service-linked role (no role_arn)", () => {
    const stack = constructStack();
    new ServiceScalableTarget(stack, "target", { clusterName: "core-infra", serviceName: "jobs", minCapacity: 0, maxCapacity: 1 });
    const { synthesized, json } = synthJson(stack);
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, {
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: "service/core-infra/jobs",
      min_capacity: 0,
      max_capacity: 1,
    });
    expect(resourcesOf(json, "aws_appautoscaling_target").target.role_arn).toBeUndefined();
  });

  it.each([
    [2, 1],
    [-1, 1],
    [0, 0],
    [1, 5001],
    [0.5, 2],
  ])("refuses capacity %p..%p", (minCapacity, maxCapacity) => {
    expect(() => new ServiceScalableTarget(constructStack(), "t", { clusterName: "c", serviceName: "s", minCapacity, maxCapacity })).toThrow(
      `capacity ${minCapacity}..${maxCapacity} of service s is invalid`,
    );
  });
});

describe("TargetTrackingScalingPolicy", () => {
  it("on queue depth: the queue's ApproximateNumberOfMessagesVisible, Average, Count, the cooldowns given", () => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s", minCapacity: 1, maxCapacity: 3 });
    new TargetTrackingScalingPolicy(stack, "policy", {
      target,
      policyName: "depth",
      metric: { kind: "queue-depth", queueName: "jobs" },
      targetValue: 3,
      scaleInCooldownSeconds: 0,
      scaleOutCooldownSeconds: 0,
    });
    const { synthesized, json } = synthJson(stack);
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: "depth",
      policy_type: "TargetTrackingScaling",
      resource_id: "${aws_appautoscaling_target.target.resource_id}",
      target_tracking_scaling_policy_configuration: {
        target_value: 3,
        scale_in_cooldown: 0,
        scale_out_cooldown: 0,
        customized_metric_specification: {
          namespace: "AWS/SQS",
          metric_name: "ApproximateNumberOfMessagesVisible",
          dimensions: [{ name: "QueueName", value: "jobs" }],
          statistic: "Average",
          unit: "Count",
        },
      },
    });
    expect(resourcesOf(json, "aws_appautoscaling_policy").policy.lifecycle).toBeUndefined();
  });

  it("on backlog per task: e1 = m1 / m2; a target owned elsewhere is ignored after creation", () => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s" });
    new TargetTrackingScalingPolicy(stack, "policy", {
      target,
      policyName: "bpt",
      metric: { kind: "backlog-per-task", queueName: "jobs", clusterName: "c", serviceName: "s" },
      targetValue: 12,
      targetValueOwnedElsewhere: true,
    });
    const policy = resourcesOf(synthJson(stack).json, "aws_appautoscaling_policy").policy;
    const config = policy.target_tracking_scaling_policy_configuration;
    expect(config).toMatchObject({ scale_in_cooldown: 300, scale_out_cooldown: 300 });
    expect(config.customized_metric_specification.metrics.map((m: { id: string }) => m.id)).toEqual(["m1", "m2", "e1"]);
    expect(config.customized_metric_specification.metrics[2]).toMatchObject({ expression: "m1 / m2", return_data: true });
    expect(policy.lifecycle).toEqual({ ignore_changes: ["target_tracking_scaling_policy_configuration[0].target_value"] });
  });

  it("refuses a target value that is not positive", () => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s" });
    expect(
      () => new TargetTrackingScalingPolicy(stack, "p", { target, policyName: "p", metric: { kind: "queue-depth", queueName: "q" }, targetValue: 0 }),
    ).toThrow("target value 0 of policy p is invalid");
  });
});

describe("StepScalingPolicyWithAlarm", () => {
  const build = (props: Partial<StepScalingPolicyWithAlarmProps> = {}) => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s", minCapacity: 0, maxCapacity: 1 });
    new StepScalingPolicyWithAlarm(stack, "out", {
      target,
      policyName: "out",
      alarmName: "messages-waiting",
      alarmDescription: "A message waits",
      metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs" } },
      rule: RULE,
      adjustmentType: "ChangeInCapacity",
      steps: [{ lower: 0, change: 1 }],
      ...props,
    });
    return synthJson(stack);
  };

  it("one alarm on one metric invokes one step policy; bounds are strings relative to the threshold", () => {
    const { synthesized } = build();
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: "out",
      policy_type: "StepScaling",
      step_scaling_policy_configuration: {
        adjustment_type: "ChangeInCapacity",
        cooldown: 300,
        metric_aggregation_type: "Maximum",
        step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 1 }],
      },
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "messages-waiting",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "jobs" },
      statistic: "Maximum",
      period: 60,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 1,
      datapoints_to_alarm: 1,
      treat_missing_data: "breaching",
      alarm_actions: ["${aws_appautoscaling_policy.out_policy.arn}"],
    });
  });

  it("a metric-math alarm: one query per metric with the rule's period and statistic, the expression returned", () => {
    const { json } = build({
      metric: {
        expression: "m1 + m2",
        label: "visible + in flight",
        metrics: {
          m1: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs" } },
          m2: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesNotVisible", dimensions: { QueueName: "jobs" }, stat: "Average" },
        },
      },
      rule: { ...RULE, comparison: "LessThanOrEqualToThreshold", threshold: 0, evaluationPeriods: 10, datapointsToAlarm: 10 },
      adjustmentType: "ExactCapacity",
      steps: [{ upper: 0, change: 0 }],
    });
    const alarm = resourcesOf(json, "aws_cloudwatch_metric_alarm").out_alarm;
    expect(alarm.metric_name).toBeUndefined();
    expect(alarm.period).toBeUndefined();
    expect(alarm.metric_query).toEqual([
      { id: "m1", return_data: false, metric: { namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs" }, stat: "Maximum", period: 60 } },
      { id: "m2", return_data: false, metric: { namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesNotVisible", dimensions: { QueueName: "jobs" }, stat: "Average", period: 60 } },
      { id: "e1", expression: "m1 + m2", label: "visible + in flight", return_data: true },
    ]);
    const policy = resourcesOf(json, "aws_appautoscaling_policy").out_policy.step_scaling_policy_configuration;
    expect(policy.step_adjustment).toEqual([{ metric_interval_upper_bound: "0", scaling_adjustment: 0 }]);
  });

  it("refuses a window CloudWatch would refuse or never fill, and a policy without steps", () => {
    expect(() => build({ rule: { ...RULE, periodSeconds: 30 } })).toThrow("alarm messages-waiting: period 30 s is not a whole number of minutes");
    expect(() => build({ rule: { ...RULE, evaluationPeriods: 1441, datapointsToAlarm: 1 } })).toThrow("exceeds CloudWatch's 86400 s");
    expect(() => build({ steps: [] })).toThrow("policy out: at least one step adjustment is needed");
  });
});
