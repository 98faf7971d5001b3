import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { fargateTaskParts, FargateTaskParts, FargateTaskProps } from "./fargate-task";

export { FARGATE_MAX_STOP_TIMEOUT, SCRATCH_DIR, WRITABLE_PATHS } from "./fargate-task";

export interface FargateServiceProps extends FargateTaskProps {
  /** Also the service's name. */
  readonly name: string;
  /** This account's partition, for ARNs. */
  readonly partition: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly subnetIds: string[];
  /** Public IPv4 address per task: only for tasks in public subnets without a NAT. @default false */
  readonly assignPublicIp?: boolean;
  /** @default 1 */
  readonly desiredCount?: number;
  /**
   * Application Auto Scaling owns the desired count: Terraform sets it at creation only. Turn off for a service
   * whose count Terraform manages (a fixed producer). @default true
   */
  readonly autoscaled?: boolean;
  /** ECS Exec into the tasks (and the ssmmessages permissions it needs). @default true */
  readonly enableExecuteCommand?: boolean;
  /** Resources the service must wait for (the first image push). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One container as an ECS Fargate service: the task definition and what comes with it (fargate-task.ts: security
 * group, log group with retention, task role with the given permissions, a non-root container with a read-only root
 * file system) and the service. Deployment circuit breaker with rollback. With `autoscaled` (the default)
 * Terraform ignores the desired count after creation, since Application Auto Scaling owns it.
 */
export class FargateService extends Construct implements FargateTaskParts {
  /** The container's name (`imagedefinitions.json` of a pipeline deploy must name it); also the task family. */
  readonly containerName: string;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const exec = props.enableExecuteCommand ?? true;
    // In this construct's own scope, so the resources keep their addresses (worker_task_definition, …).
    const parts = fargateTaskParts(this, props, exec, "service");
    this.containerName = parts.containerName;
    this.securityGroup = parts.securityGroup;
    this.logGroup = parts.logGroup;
    this.taskRole = parts.taskRole;
    this.taskDefinition = parts.taskDefinition;

    this.service = new EcsService(this, "service", {
      name: props.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount ?? 1,
      launchType: "FARGATE",
      enableExecuteCommand: exec,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.assignPublicIp ?? false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      ...((props.autoscaled ?? true) ? { lifecycle: { ignoreChanges: ["desired_count"] } } : {}),
      dependsOn: props.dependsOn,
    });
  }
}
