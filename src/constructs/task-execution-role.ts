import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { serviceTrustPolicy } from "../iam";

export interface TaskExecutionRoleProps {
  /** Exact role name; other stacks look the role up by it. */
  readonly roleName: string;
}

/** AWS's managed policy for the ECS agent: pull images from ECR, write container logs. */
export const TASK_EXECUTION_POLICY = "service-role/AmazonECSTaskExecutionRolePolicy";

/**
 * The ECS task execution role shared by the blueprint stacks: trusted by ecs-tasks.amazonaws.com from this
 * account only (the confused-deputy condition AWS recommends), with AmazonECSTaskExecutionRolePolicy.
 * Permissions for a particular repository or secret are granted by that stack (the ECR repository policy, say),
 * so this role stays generic.
 */
export class TaskExecutionRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const trust = serviceTrustPolicy(this, "trust", { service: "ecs-tasks.amazonaws.com", accountId: account.accountId });
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: "ECS task execution role shared by the queue-scaling blueprint stacks",
      assumeRolePolicy: trust.json,
    });
    new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/${TASK_EXECUTION_POLICY}`,
    });
  }
}
