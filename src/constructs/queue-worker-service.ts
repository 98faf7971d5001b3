import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { CONTAINER_HEARTBEAT_FILE, healthCheckArgs } from "../../app-code/shared/heartbeat";
import { serviceTrustPolicy } from "../iam";
import { serviceLogGroup } from "../log-group";

export interface QueueWorkerServiceProps {
  /** Service, task family, container and security group name; log group `/ecs/<name>`. */
  readonly name: string;
  /** This account's id and partition, for the role trust and ARNs. */
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly vpcId: string;
  /** Allowed as ingress source of the tasks (the blueprint's rule). */
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  readonly executionRoleArn: string;
  /** Image with an explicit tag. */
  readonly image: string;
  /** The queue the worker consumes. */
  readonly queue: { readonly arn: string; readonly url: string; readonly name: string };
  /** CloudWatch namespace the worker may put metrics into. */
  readonly metricNamespace: string;
  /** Container environment besides QUEUE_URL, QUEUE_NAME, METRIC_NAMESPACE, STOP_TIMEOUT_SECONDS, AWS_REGION, TMPDIR, HEARTBEAT_FILE. */
  readonly environment?: Record<string, string>;
  /** @default 256 */
  readonly cpu?: number;
  /** MiB. @default 512 */
  readonly memory?: number;
  /** Seconds ECS waits after SIGTERM before SIGKILL; Fargate allows up to 120. @default 120 */
  readonly stopTimeoutSeconds?: number;
  /** @default 1 */
  readonly desiredCount?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Resources the service must wait for (the first image push). */
  readonly dependsOn?: ITerraformDependable[];
}

/** The container's writable scratch folder; TMPDIR points there (Node's os.tmpdir()). */
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

/**
 * The container health check: fails when the worker's poll loop has not completed an SQS call within the bound the
 * worker writes into its heartbeat file (app-code/shared/heartbeat.ts), so ECS replaces a stuck task. Three misses
 * 30 s apart; the first minute (start-up) does not count.
 */
export const WORKER_HEALTH_CHECK = {
  command: ["CMD", ...healthCheckArgs(CONTAINER_HEARTBEAT_FILE)],
  interval: 30,
  timeout: 5,
  retries: 3,
  startPeriod: 60,
};

/**
 * The queue worker as an ECS Fargate service: security group (ingress from the VPC, all egress), log group with
 * retention, a least-privilege task role, the task definition and the service with ECS Exec.
 *
 * Task role: receive, delete, change visibility and read attributes of its queue only; PutMetricData only into
 * its namespace; task scale-in protection for tasks of its cluster; the ssmmessages channel actions of ECS Exec.
 * The container runs as a non-root user with a read-only root file system. Its stop timeout lets it finish the
 * message in hand after SIGTERM. Application Auto Scaling owns the desired count, so Terraform ignores it.
 */
export class QueueWorkerService extends Construct {
  /** The container's name (`imagedefinitions.json` of a pipeline deploy must name it); also the task family. */
  readonly containerName: string;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, id: string, props: QueueWorkerServiceProps) {
    super(scope, id);
    this.containerName = props.name;
    const stopTimeout = props.stopTimeoutSeconds ?? FARGATE_MAX_STOP_TIMEOUT;
    if (stopTimeout < 2 || stopTimeout > FARGATE_MAX_STOP_TIMEOUT) {
      throw new Error(`stopTimeoutSeconds ${stopTimeout} is outside Fargate's 2..${FARGATE_MAX_STOP_TIMEOUT}`);
    }

    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-tasks`,
      description: `Tasks of the ${props.name} service`,
      vpcId: props.vpcId,
      ingress: [
        { description: "From inside the VPC", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [props.vpcCidr] },
      ],
      egress: [
        { description: "SQS, CloudWatch and ECR endpoints", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
      ],
    });

    this.logGroup = serviceLogGroup(this, "logs", { name: `/ecs/${props.name}`, retentionInDays: props.logRetentionDays });

    const trust = serviceTrustPolicy(this, "task_trust", { service: "ecs-tasks.amazonaws.com", accountId: props.accountId });
    this.taskRole = new IamRole(this, "task_role", {
      name: `${props.name}-task`,
      description: `Task role of the ${props.name} worker`,
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "task_permissions", {
      statement: [
        {
          sid: "ConsumeOwnQueue",
          actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
          resources: [props.queue.arn],
        },
        {
          // PutMetricData accepts no resource; the namespace condition is what limits it.
          sid: "PutOwnMetrics",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [props.metricNamespace] }],
        },
        {
          sid: "ProtectOwnTasks",
          actions: ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"],
          resources: [`arn:${props.partition}:ecs:${props.region}:${props.accountId}:task/${props.clusterName}/*`],
        },
        {
          // The ECS Exec session channel; these actions accept no resource.
          sid: "EcsExec",
          actions: [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
          ],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "task_policy", { name: "least-privilege", role: this.taskRole.id, policy: permissions.json });

    const environment = {
      AWS_REGION: props.region,
      QUEUE_URL: props.queue.url,
      QUEUE_NAME: props.queue.name,
      METRIC_NAMESPACE: props.metricNamespace,
      STOP_TIMEOUT_SECONDS: String(stopTimeout),
      TMPDIR: SCRATCH_DIR,
      HEARTBEAT_FILE: CONTAINER_HEARTBEAT_FILE,
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
          essential: true,
          // The node user of the official Node.js images; any non-root uid works, nothing is written outside the scratch folder.
          user: "1000:1000",
          readonlyRootFilesystem: true,
          stopTimeout,
          healthCheck: WORKER_HEALTH_CHECK,
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
              "awslogs-stream-prefix": "worker",
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
      enableExecuteCommand: true,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: props.dependsOn,
    });
  }
}
