import { Construct } from "constructs";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";

/** ECS's limit of tasks per service. */
export const MAX_TASKS_PER_SERVICE = 5000;

export interface ServiceScalableTargetProps {
  /** ECS cluster of the service. */
  readonly clusterName: string;
  /** ECS service whose DesiredCount is scaled; create it with `ignore_changes = ["desired_count"]`. */
  readonly serviceName: string;
  /** @default 1 */
  readonly minCapacity?: number;
  /** @default 10 */
  readonly maxCapacity?: number;
}

/**
 * Application Auto Scaling's handle on an ECS service's desired count (`aws_appautoscaling_target`). No `role_arn`:
 * Application Auto Scaling then uses its service-linked role, which it creates itself (a role of ours would need
 * the right trust principal, which one of the source patterns gets wrong). The service it scales must leave the
 * desired count to it: FargateService does by default.
 */
export class ServiceScalableTarget extends AppautoscalingTarget {
  constructor(scope: Construct, id: string, props: ServiceScalableTargetProps) {
    const min = props.minCapacity ?? 1;
    const max = props.maxCapacity ?? 10;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < 1 || min > max || max > MAX_TASKS_PER_SERVICE) {
      throw new Error(`capacity ${min}..${max} of service ${props.serviceName} is invalid; allowed: integers 0 <= min <= max, 1 <= max <= ${MAX_TASKS_PER_SERVICE}`);
    }
    super(scope, id, {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: min,
      maxCapacity: max,
    });
  }
}
