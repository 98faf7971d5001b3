import { Construct } from "constructs";
import { CONTAINER_HEARTBEAT_FILE, healthCheckArgs } from "../../app-code/shared/heartbeat";
import { FargateService, FargateServiceProps } from "./fargate-service";

export { FARGATE_MAX_STOP_TIMEOUT, SCRATCH_DIR, WRITABLE_PATHS } from "./fargate-service";

import { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export interface QueueWorkerServiceProps extends Omit<FargateServiceProps, "taskStatements" | "ingressCidr" | "kind"> {
  /** Allowed as ingress source of the tasks (the blueprint's rule). @default no ingress */
  readonly vpcCidr?: string;
  /** The queue the worker consumes. */
  readonly queue: { readonly arn: string; readonly url: string; readonly name: string };
  /** CloudWatch namespace the worker may put metrics into. */
  readonly metricNamespace: string;
  /** Container environment besides QUEUE_URL, QUEUE_NAME, METRIC_NAMESPACE, HEARTBEAT_FILE, STOP_TIMEOUT_SECONDS, AWS_REGION, TMPDIR. */
  readonly environment?: Record<string, string>;
  /** What the worker's processor needs besides consuming its queue (a table, posting to a queue). @default none */
  readonly additionalTaskStatements?: DataAwsIamPolicyDocumentStatement[];
}

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
 * The queue worker (app-code/worker) as an ECS Fargate service (see FargateService), with ECS Exec by default.
 *
 * Task role: receive, delete, change visibility and read attributes of its queue only; PutMetricData only into
 * its namespace; task scale-in protection for tasks of its cluster; the ssmmessages channel actions of ECS Exec;
 * and what its processor needs (`additionalTaskStatements`).
 * Its stop timeout (120 s by default) lets it finish the message in hand after SIGTERM; its health check
 * (WORKER_HEALTH_CHECK) lets ECS replace a task whose poll loop is stuck.
 */
export class QueueWorkerService extends FargateService {
  constructor(scope: Construct, id: string, props: QueueWorkerServiceProps) {
    const { vpcCidr, queue, metricNamespace, environment, additionalTaskStatements = [], ...service } = props;
    super(scope, id, {
      ...service,
      kind: "worker",
      ingressCidr: vpcCidr,
      taskStatements: [
        {
          sid: "ConsumeOwnQueue",
          actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
          resources: [queue.arn],
        },
        {
          // PutMetricData accepts no resource; the namespace condition is what limits it.
          sid: "PutOwnMetrics",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [metricNamespace] }],
        },
        {
          sid: "ProtectOwnTasks",
          actions: ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"],
          resources: [`arn:${props.partition}:ecs:${props.region}:${props.accountId}:task/${props.clusterName}/*`],
        },
        ...additionalTaskStatements,
      ],
      healthCheck: WORKER_HEALTH_CHECK,
      environment: {
        QUEUE_URL: queue.url,
        QUEUE_NAME: queue.name,
        METRIC_NAMESPACE: metricNamespace,
        HEARTBEAT_FILE: CONTAINER_HEARTBEAT_FILE,
        ...environment,
      },
    });
  }
}
