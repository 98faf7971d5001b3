import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup, SecurityGroupEgress } from "@cdktf/provider-aws/lib/security-group";
import { serviceTrustPolicy } from "../iam";
import { serviceLogGroup } from "../log-group";

export interface FargateTaskProps {
  /** Task family, container and security group name (`<name>-tasks`); task role `<name>-task`; log group `/ecs/<name>`. */
  readonly name: string;
  /** This account's id, for the task role's trust. */
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  /** CIDR allowed as ingress source of the tasks (the blueprint allows its VPC). @default no ingress at all */
  readonly ingressCidr?: string;
  /**
   * Egress of the tasks: `all` (every protocol anywhere, the blueprint's), or `https` (TCP 443 only, which is all a
   * task needs to reach AWS APIs, through VPC endpoints or a NAT; the ECS agent and metadata endpoints are
   * link-local and not filtered by security groups). @default "all"
   */
  readonly egress?: "all" | "https";
  readonly executionRoleArn: string;
  /** Image with an explicit tag. */
  readonly image: string;
  /** The container's entry point, overriding the image's (one image, several programs). @default the image's */
  readonly entryPoint?: string[];
  /** Task role permissions (ECS Exec's are added when `enableExecuteCommand`). */
  readonly taskStatements: DataAwsIamPolicyDocumentStatement[];
  /** Container environment besides STOP_TIMEOUT_SECONDS, AWS_REGION, TMPDIR. */
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly cpu?: number;
  /** MiB. @default 512 */
  readonly memory?: number;
  /** Seconds ECS waits after SIGTERM before SIGKILL; Fargate allows up to 120. @default 120 */
  readonly stopTimeoutSeconds?: number;
  /** ECS Exec into the tasks (and the ssmmessages permissions it needs). @default false for a FargateTask, true for a FargateService */
  readonly enableExecuteCommand?: boolean;
  /** What the container is (`worker`, `producer`, `job`): the awslogs stream prefix and the role's description. @default "service" */
  readonly kind?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** The container's health check (ECS replaces a task whose essential container turns unhealthy). @default none */
  readonly healthCheck?: { readonly command: string[]; readonly interval: number; readonly timeout: number; readonly retries: number; readonly startPeriod: number };
}

/** What a Fargate task definition comes with here. */
export interface FargateTaskParts {
  /** The container's name (`imagedefinitions.json` of a pipeline deploy must name it); also the task family. */
  readonly containerName: string;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
}

/**
 * The container's writable scratch folder; TMPDIR points there (Node's os.tmpdir()). Fargate mounts the task
 * volume there owned by root unless the image declares the path a VOLUME with the owner it wants (the worker's
 * Dockerfile does, for the container's user).
 */
export const SCRATCH_DIR = "/scratch";

/** Writable folders of the read-only container: scratch, and what the ECS Exec agent writes. */
export const WRITABLE_PATHS: Record<string, string> = {
  scratch: SCRATCH_DIR,
  // ECS Exec's SSM agent needs these writable; mounting them keeps the root file system read-only
  // (aws/containers-roadmap#1359).
  "managed-agents": "/managed-agents",
  "ssm-lib": "/var/lib/amazon/ssm",
  "ssm-log": "/var/log/amazon/ssm",
};

/** Fargate's longest stop timeout. */
export const FARGATE_MAX_STOP_TIMEOUT = 120;

const ALL_EGRESS: SecurityGroupEgress = {
  description: "SQS, CloudWatch and ECR endpoints",
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
  cidrBlocks: ["0.0.0.0/0"],
};
const HTTPS_EGRESS: SecurityGroupEgress = {
  description: "HTTPS to AWS APIs (VPC endpoints or the NAT)",
  protocol: "tcp",
  fromPort: 443,
  toPort: 443,
  cidrBlocks: ["0.0.0.0/0"],
};

/**
 * Creates a Fargate task definition and what comes with it in `scope`, under fixed ids (`security_group`, `logs`,
 * `task_role`, `task_definition`, …): a security group, a log group with retention, a task role with the given
 * permissions, and one container that runs as a non-root user with a read-only root file system (writable: the
 * scratch folder, and the folders ECS Exec writes), whose stop timeout lets it finish the work in hand after
 * SIGTERM. `owner` names what the tasks belong to in the security group's description ("service", "job").
 * FargateService calls it in its own scope, FargateTask in its.
 */
export function fargateTaskParts(scope: Construct, props: FargateTaskProps, exec: boolean, owner: string): FargateTaskParts {
  const containerName = props.name;
  const stopTimeout = props.stopTimeoutSeconds ?? FARGATE_MAX_STOP_TIMEOUT;
  if (stopTimeout < 2 || stopTimeout > FARGATE_MAX_STOP_TIMEOUT) {
    throw new Error(`stopTimeoutSeconds ${stopTimeout} is outside Fargate's 2..${FARGATE_MAX_STOP_TIMEOUT}`);
  }

  const securityGroup = new SecurityGroup(scope, "security_group", {
    name: `${props.name}-tasks`,
    description: `Tasks of the ${props.name} ${owner}`,
    vpcId: props.vpcId,
    ingress: props.ingressCidr
      ? [{ description: "From inside the VPC", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [props.ingressCidr] }]
      : [],
    egress: [(props.egress ?? "all") === "all" ? ALL_EGRESS : HTTPS_EGRESS],
  });

  const logGroup = serviceLogGroup(scope, "logs", { name: `/ecs/${props.name}`, retentionInDays: props.logRetentionDays });

  const trust = serviceTrustPolicy(scope, "task_trust", { service: "ecs-tasks.amazonaws.com", accountId: props.accountId });
  const taskRole = new IamRole(scope, "task_role", {
    name: `${props.name}-task`,
    description: `Task role of the ${props.name} ${props.kind ?? "service"}`,
    assumeRolePolicy: trust.json,
  });
  const execStatement: DataAwsIamPolicyDocumentStatement = {
    // The ECS Exec session channel; these actions accept no resource.
    sid: "EcsExec",
    actions: [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ],
    resources: ["*"],
  };
  const statements = [...props.taskStatements, ...(exec ? [execStatement] : [])];
  // A role without permissions (a job that calls no AWS API) gets no policy: IAM refuses an empty statement list.
  if (statements.length > 0) {
    const permissions = new DataAwsIamPolicyDocument(scope, "task_permissions", { statement: statements });
    new IamRolePolicy(scope, "task_policy", { name: "least-privilege", role: taskRole.id, policy: permissions.json });
  }

  const environment = {
    AWS_REGION: props.region,
    STOP_TIMEOUT_SECONDS: String(stopTimeout),
    TMPDIR: SCRATCH_DIR,
    ...props.environment,
  };
  const taskDefinition = new EcsTaskDefinition(scope, "task_definition", {
    family: containerName,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(props.cpu ?? 256),
    memory: String(props.memory ?? 512),
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    executionRoleArn: props.executionRoleArn,
    taskRoleArn: taskRole.arn,
    volume: Object.keys(WRITABLE_PATHS).map((name) => ({ name })),
    containerDefinitions: JSON.stringify([
      {
        name: containerName,
        image: props.image,
        ...(props.entryPoint ? { entryPoint: props.entryPoint } : {}),
        essential: true,
        // The node user of the official Node.js images; any non-root uid works, nothing is written outside the scratch folder.
        user: "1000:1000",
        readonlyRootFilesystem: true,
        stopTimeout,
        ...(props.healthCheck ? { healthCheck: props.healthCheck } : {}),
        environment: Object.entries(environment)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, value]) => ({ name, value })),
        mountPoints: Object.entries(WRITABLE_PATHS).map(([sourceVolume, containerPath]) => ({
          sourceVolume,
          containerPath,
          readOnly: false,
        })),
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": logGroup.name,
            "awslogs-region": props.region,
            "awslogs-stream-prefix": props.kind ?? "service",
          },
        },
      },
    ]),
  });
  return { containerName, securityGroup, logGroup, taskRole, taskDefinition };
}

/**
 * A Fargate task definition without a service, for tasks started one by one with RunTask (see fargateTaskParts for
 * what it holds). No ECS Exec by default: a standalone task would need it on each RunTask call too.
 */
export class FargateTask extends Construct implements FargateTaskParts {
  readonly containerName: string;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;

  constructor(scope: Construct, id: string, props: FargateTaskProps) {
    super(scope, id);
    const parts = fargateTaskParts(this, props, props.enableExecuteCommand ?? false, props.kind ?? "task");
    this.containerName = parts.containerName;
    this.securityGroup = parts.securityGroup;
    this.logGroup = parts.logGroup;
    this.taskRole = parts.taskRole;
    this.taskDefinition = parts.taskDefinition;
  }
}
