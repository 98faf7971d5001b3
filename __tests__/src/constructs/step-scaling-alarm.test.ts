import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ServiceScalableTarget } from "../../../src/constructs/service-scalable-target";
import { StepScalingPolicyWithAlarm, StepScalingPolicyWithAlarmProps } from "../../../src/constructs/step-scaling-alarm";
import { AlarmRule } from "../../../src/scaling/alarm";
import { constructStack, resourcesOf, synthJson } from "../../helpers";

const RULE: AlarmRule = {
  periodSeconds: 60,
  statistic: "Maximum",
  comparison: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: "breaching",
};

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
