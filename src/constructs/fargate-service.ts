import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup, SecurityGroupEgress } from "@cdktf/provider-aws/lib/security-group";
import { serviceTrustPolicy } from "../iam";
import { serviceLogGroup } from "../log-group";

export interface FargateServiceProps {
  /** Service, task family, container and security group name; log group `/ecs/<name>`. */
  readonly name: string;
  /** This account's id and partition, for the role trust and ARNs. */
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly vpcId: string;
  /** CIDR allowed as ingress source of the tasks (the blueprint allows its VPC). @default no ingress at all */
  readonly ingressCidr?: string;
  /**
   * Egress of the tasks: `all` (every protocol anywhere, the blueprint's), or `https` (TCP 443 only, which is all a
   * task needs to reach AWS APIs, through VPC endpoints or a NAT; the ECS agent and metadata endpoints are
   * link-local and not filtered by security groups). @default "all"
   */
  readonly egress?: "all" | "https";
  readonly subnetIds: string[];
  /** Public IPv4 address per task: only for tasks in public subnets without a NAT. @default false */
  readonly assignPublicIp?: boolean;
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
  /** @default 1 */
  readonly desiredCount?: number;
  /**
   * Application Auto Scaling owns the desired count: Terraform sets it at creation only. Turn off for a service
   * whose count Terraform manages (a fixed producer). @default true
   */
  readonly autoscaled?: boolean;
  /** ECS Exec into the tasks (and the ssmmessages permissions it needs). @default true */
  readonly enableExecuteCommand?: boolean;
  /** What the container is (`worker`, `producer`): the awslogs stream prefix and the role's description. @default "service" */
  readonly kind?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Resources the service must wait for (the first image push). */
  readonly dependsOn?: ITerraformDependable[];
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
 * One container as an ECS Fargate service: security group, log group with retention, a task role with the given
 * permissions, the task definition and the service. The container runs as a non-root user with a read-only root
 * file system (writable: the scratch folder, and the folders ECS Exec writes); its stop timeout lets it finish
 * the work in hand after SIGTERM. Deployment circuit breaker with rollback. With `autoscaled` (the default)
 * Terraform ignores the desired count after creation, since Application Auto Scaling owns it.
 */
export class FargateService extends Construct {
  /** The container's name (`imagedefinitions.json` of a pipeline deploy must name it); also the task family. */
  readonly containerName: string;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    this.containerName = props.name;
    const stopTimeout = props.stopTimeoutSeconds ?? FARGATE_MAX_STOP_TIMEOUT;
    if (stopTimeout < 2 || stopTimeout > FARGATE_MAX_STOP_TIMEOUT) {
      throw new Error(`stopTimeoutSeconds ${stopTimeout} is outside Fargate's 2..${FARGATE_MAX_STOP_TIMEOUT}`);
    }
    const exec = props.enableExecuteCommand ?? true;

    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-tasks`,
      description: `Tasks of the ${props.name} service`,
      vpcId: props.vpcId,
      ingress: props.ingressCidr
        ? [{ description: "From inside the VPC", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [props.ingressCidr] }]
        : [],
      egress: [(props.egress ?? "all") === "all" ? ALL_EGRESS : HTTPS_EGRESS],
    });

    this.logGroup = serviceLogGroup(this, "logs", { name: `/ecs/${props.name}`, retentionInDays: props.logRetentionDays });

    const trust = serviceTrustPolicy(this, "task_trust", { service: "ecs-tasks.amazonaws.com", accountId: props.accountId });
    this.taskRole = new IamRole(this, "task_role", {
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
    const permissions = new DataAwsIamPolicyDocument(this, "task_permissions", {
      statement: [...props.taskStatements, ...(exec ? [execStatement] : [])],
    });
    new IamRolePolicy(this, "task_policy", { name: "least-privilege", role: this.taskRole.id, policy: permissions.json });

    const environment = {
      AWS_REGION: props.region,
      STOP_TIMEOUT_SECONDS: String(stopTimeout),
      TMPDIR: SCRATCH_DIR,
      ...props.environment,
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task_definition", {
      family: this.containerName,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu ?? 256),
      memory: String(props.memory ?? 512),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: this.taskRole.arn,
      volume: Object.keys(WRITABLE_PATHS).map((name) => ({ name })),
      containerDefinitions: JSON.stringify([
        {
          name: this.containerName,
          image: props.image,
          ...(props.entryPoint ? { entryPoint: props.entryPoint } : {}),
          essential: true,
          // The node user of the official Node.js images; any non-root uid works, nothing is written outside the scratch folder.
          user: "1000:1000",
          readonlyRootFilesystem: true,
          stopTimeout,
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
              "awslogs-group": this.logGroup.name,
              "awslogs-region": props.region,
              "awslogs-stream-prefix": props.kind ?? "service",
            },
          },
        },
      ]),
    });

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
