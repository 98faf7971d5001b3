import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { scalingMetricMath } from "../../../app-code/shared/target-bpi";
import { ServiceScalableTarget } from "../../../src/constructs/service-scalable-target";
import { TargetTrackingScalingPolicy } from "../../../src/constructs/target-tracking-policy";
import { constructStack, resourcesOf, synthJson } from "../../helpers";

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

  it("on a published backlog per task: the publisher's metric, namespace and dimensions (app-code/shared/backlog-per-task.ts)", () => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s", minCapacity: 1, maxCapacity: 50 });
    new TargetTrackingScalingPolicy(stack, "policy", {
      target,
      policyName: "bpt",
      metric: { kind: "published-backlog-per-task", namespace: "Fanout", metricName: "BacklogPerTask", queueName: "nodes", serviceName: "workers" },
      targetValue: 30,
    });
    const { json } = synthJson(stack);
    expect(resourcesOf(json, "aws_appautoscaling_policy").policy.target_tracking_scaling_policy_configuration.customized_metric_specification).toEqual({
      namespace: "Fanout",
      metric_name: "BacklogPerTask",
      dimensions: [
        { name: "QueueName", value: "nodes" },
        { name: "ServiceName", value: "workers" },
      ],
      statistic: "Average",
      unit: "None",
    });
  });

  it("on backlog per task: e1 = m1 / m2; a target owned elsewhere is ignored after creation", () => {
    const stack = constructStack();
    const target = new ServiceScalableTarget(stack, "target", { clusterName: "c", serviceName: "s" });
    new TargetTrackingScalingPolicy(stack, "policy", {
      target,
      policyName: "bpt",
      metric: { kind: "metric-math", math: scalingMetricMath("backlog-per-task"), queueName: "jobs", clusterName: "c", serviceName: "s" },
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
