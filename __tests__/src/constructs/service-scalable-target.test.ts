import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { ServiceScalableTarget } from "../../../src/constructs/service-scalable-target";
import { constructStack, resourcesOf, synthJson } from "../../helpers";

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
