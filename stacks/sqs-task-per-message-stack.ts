import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { DEFAULT_STARTED_BY } from "../app-code/task-per-message/job-message";
import { BaseStack } from "../src/base-stack";
import { BundledFunction } from "../src/constructs/bundled-function";
import { FargateTask } from "../src/constructs/fargate-task";
import { FunctionErrorsAlarm } from "../src/constructs/function-errors-alarm";
import { servicePlacement } from "../src/constructs/service-placement";
import { SqsEventSource, sqsEventSourceStatement } from "../src/constructs/sqs-event-source";
import { TaskStateChangeTrigger } from "../src/constructs/task-state-change-trigger";
import { WorkerImage } from "../src/constructs/worker-image";
import { queueNotEmptyAlarm, WorkQueue } from "../src/constructs/work-queue";
import { visibilityTimeoutForFunction } from "../src/lambda-sqs";
import { taskPerMessageNames } from "../src/naming";
import { StackSettings } from "../src/settings";
import { suppressRule } from "../src/suppress";

export interface SqsTaskPerMessageStackProps {
  /** The globals and this stack's own settings (src/settings/sqs-task-per-message.ts). */
  readonly settings: StackSettings<"sqs-task-per-message">;
}

export const LAUNCHER_ENTRY = "app-code/task-per-message/launcher/index.ts";
export const FAILURE_HANDLER_ENTRY = "app-code/task-per-message/failure-handler/index.ts";
/** The job program in the worker image (app-code/worker/Dockerfile bundles it as job.js beside the worker). */
export const JOB_ENTRY_POINT = ["node", "--enable-source-maps", "job.js"];

/** Why the two Lambdas of this stack pass these rules. */
const FUNCTION_EXCEPTIONS: Record<string, string> = {
  "QS-LMB-003":
    "Calls AWS APIs only (SQS, ECS) through their public endpoints and reaches no private resource; in a VPC it would need a NAT gateway or interface endpoints for nothing gained.",
  "QS-LMB-004":
    "Its concurrency is bounded where it is invoked (the event source mapping's maximum concurrency, one EventBridge rule); a reservation is taken from the account's unreserved concurrency, which must keep at least 100: on a new account with a lower limit any reservation fails the deploy.",
  "QS-LMB-005":
    "The zip is built at synth from this repository's sources and deployed by Terraform from cdktf.out with its SHA-256 (source_code_hash); code signing needs an AWS Signer profile and a signed upload through S3, which this path does not have.",
  "QS-LMB-006":
    "The variables hold ARNs, ids, URLs and numbers (cluster, task definition, subnets, security group, queues, settings), no secret; Lambda encrypts them at rest with an AWS managed key.",
  "QS-LMB-007":
    "A short function that makes one or two AWS calls per record; its JSON logs say what it did with each message, and tracing would add X-Ray permissions and cost without a call graph worth reading.",
};

/**
 * One Fargate task per job message (PATTERNS.md §3): the launcher Lambda on the job queue (event source mapping
 * with partial batch responses and a maximum concurrency) starts one task per message with RunTask; the job task
 * definition (no service: nothing runs while the queue is empty); an EventBridge rule on the family's STOPPED tasks
 * and a failure handler that re-enqueues a failed job with attempt + 1 or dead-letters it after maxAttempts; a DLQ
 * with an alarm, and an alarm on the launcher's errors. Finds core-infra by name.
 */
export class SqsTaskPerMessageStack extends BaseStack {
  readonly queue: WorkQueue;
  readonly job: FargateTask;
  readonly launcher: BundledFunction;
  readonly failureHandler: BundledFunction;
  readonly taskStopped: TaskStateChangeTrigger;

  constructor(scope: Construct, id: string, props: SqsTaskPerMessageStackProps) {
    const { settings: s } = props;
    const names = taskPerMessageNames(s.name);
    super(scope, id, { settings: s, blueprintTag: id });

    const { props: placement } = servicePlacement(this, s.coreInfraName, s.region);
    const arn = (service: string, resource: string) => `arn:${placement.partition}:${service}:${s.region}:${placement.accountId}:${resource}`;

    this.queue = new WorkQueue(this, "jobs", {
      name: names.queue,
      deadLetterQueueName: names.deadLetterQueue,
      // Lambda's rule for SQS event sources: at least 6 × the function timeout.
      visibilityTimeoutSeconds: visibilityTimeoutForFunction(s.launcherTimeoutSeconds),
      maxReceiveCount: s.dlqMaxReceiveCount,
      deadLetterAlarm: { name: names.deadLetterAlarm },
    });
    const queue = this.queue.ref;

    const image = new WorkerImage(this, "image", {
      repositoryName: names.ecrRepository,
      pullRoleArn: placement.executionRoleArn,
      buildOnDeploy: s.buildWorkerImage,
    });

    // The demo job reads nothing: its task role has no permission. A real job gets read access to its input here.
    this.job = new FargateTask(this, "job", {
      name: names.jobFamily,
      accountId: placement.accountId,
      region: s.region,
      vpcId: placement.vpcId,
      egress: "https",
      executionRoleArn: placement.executionRoleArn,
      image: image.imageUri,
      entryPoint: JOB_ENTRY_POINT,
      taskStatements: [],
      enableExecuteCommand: false,
      cpu: s.cpu,
      memory: s.memory,
      kind: "job",
    });
    const family = this.job.taskDefinition.family;

    this.launcher = new BundledFunction(this, "launcher", {
      functionName: names.launcherFunction,
      description: "Starts one Fargate task per job message (RunTask), at most maxRunningTasks at a time",
      accountId: placement.accountId,
      entry: LAUNCHER_ENTRY,
      timeout: s.launcherTimeoutSeconds,
      environment: {
        CLUSTER_ARN: placement.clusterArn,
        TASK_DEFINITION_ARN: this.job.taskDefinition.arn,
        CONTAINER_NAME: this.job.containerName,
        SUBNET_IDS: Fn.join(",", placement.subnetIds),
        SECURITY_GROUP_IDS: this.job.securityGroup.id,
        CAPACITY_PROVIDER: s.capacityProvider,
        MAX_RUNNING_TASKS: String(s.maxRunningTasks),
        STARTED_BY: DEFAULT_STARTED_BY,
      },
      statements: [
        sqsEventSourceStatement(queue.arn),
        {
          sid: "RunJobTasks",
          actions: ["ecs:RunTask"],
          resources: [arn("ecs", `task-definition/${family}:*`)],
          condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [placement.clusterArn] }],
        },
        {
          // RunTask with tags also needs TagResource on the task it creates, for that call only.
          sid: "TagJobTasksAtLaunch",
          actions: ["ecs:TagResource"],
          resources: [arn("ecs", `task/${placement.clusterName}/*`)],
          condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RunTask"] }],
        },
        {
          // ListTasks names no resource of its own: the cluster condition narrows it (the cap's count).
          sid: "CountJobTasks",
          actions: ["ecs:ListTasks"],
          resources: ["*"],
          condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [placement.clusterArn] }],
        },
        {
          sid: "PassJobRoles",
          actions: ["iam:PassRole"],
          resources: [this.job.taskRole.arn, placement.executionRoleArn],
          condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
        },
      ],
    });
    new SqsEventSource(this, "launcher_source", {
      queueArn: queue.arn,
      functionName: this.launcher.function.arn,
      batchSize: s.batchSize,
      batchingWindowSeconds: s.batchingWindowSeconds,
      maximumConcurrency: s.maximumConcurrency,
    });

    this.failureHandler = new BundledFunction(this, "failure_handler", {
      functionName: names.failureHandlerFunction,
      description: "Re-enqueues a job whose task stopped without a clean exit, or dead-letters it after maxAttempts",
      accountId: placement.accountId,
      entry: FAILURE_HANDLER_ENTRY,
      timeout: 30,
      environment: {
        QUEUE_URL: queue.url,
        DLQ_URL: this.queue.deadLetterQueue.url,
        CONTAINER_NAME: this.job.containerName,
        MAX_ATTEMPTS: String(s.maxAttempts),
        STARTED_BY: DEFAULT_STARTED_BY,
      },
      statements: [{ sid: "RequeueOrDeadLetter", actions: ["sqs:SendMessage"], resources: [queue.arn, this.queue.deadLetterQueue.arn] }],
    });
    this.taskStopped = new TaskStateChangeTrigger(this, "task_stopped", {
      ruleName: names.taskStoppedRule,
      description: `Stopped tasks of ${family}: the failure handler retries or dead-letters their jobs`,
      clusterArn: placement.clusterArn,
      family,
      function: this.failureHandler.function,
      undeliveredQueue: this.failureHandler.failureQueue,
    });

    for (const fn of [this.launcher.function, this.failureHandler.function]) {
      for (const [rule, reason] of Object.entries(FUNCTION_EXCEPTIONS)) suppressRule(fn, rule, reason);
    }
    new FunctionErrorsAlarm(this, "launcher_errors", { alarmName: names.launcherErrorsAlarm, functionName: this.launcher.function.functionName });
    new FunctionErrorsAlarm(this, "failure_handler_errors", {
      alarmName: names.failureHandlerErrorsAlarm,
      functionName: this.failureHandler.function.functionName,
    });
    // Where a STOPPED event ends up when neither EventBridge's retries nor Lambda's could handle it: its job waits there.
    queueNotEmptyAlarm(this, "undelivered_events_alarm", {
      alarmName: names.undeliveredEventsAlarm,
      description: `STOPPED events of job tasks that the failure handler could not handle wait in ${names.failureHandlerFunction}-failures: their jobs are neither retried nor dead-lettered; handle them, then redrive them to the job queue or the DLQ.`,
      queueName: this.failureHandler.failureQueue.name,
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      queue_url: { value: queue.url, description: 'URL of the job queue (send {"id", "input"} bodies to it)' },
      dead_letter_queue_url: { value: this.queue.deadLetterQueue.url, description: "Jobs that failed maxAttempts times, and malformed messages" },
      launcher_function_name: { value: this.launcher.function.functionName, description: "The launcher Lambda" },
      failure_handler_function_name: { value: this.failureHandler.function.functionName, description: "The failure handler Lambda" },
      job_task_family: { value: family, description: "Task definition family of the job tasks" },
      job_log_group: { value: this.job.logGroup.name, description: "Log group of the job tasks" },
      task_stopped_rule_arn: { value: this.taskStopped.rule.arn, description: "EventBridge rule on the job tasks' STOPPED events" },
      container_image_ecr_url: { value: image.repository.repositoryUrl, description: "URL of the image's ECR repository" },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
