/**
 * Names that cross stacks. core-infra creates resources under these names; the blueprint stacks look them up by
 * the same functions, so the two sides cannot drift apart.
 */
export const coreInfraNames = (coreInfraName: string) => ({
  vpc: coreInfraName,
  cluster: coreInfraName,
  /** Tag `Name` pattern of the private subnets (`<name>-private-<az>`), for `aws_subnets` filters. */
  privateSubnetPattern: `${coreInfraName}-private-*`,
  publicSubnetPattern: `${coreInfraName}-public-*`,
  /** Tag `Name` of the private subnets' route table (the one with the NAT route). */
  privateRouteTable: `${coreInfraName}-private`,
  namespace: `default.${coreInfraName}.local`,
  /**
   * The ECS task execution role, looked up by this exact name. (The public blueprint looks for an unanchored
   * regex `core-infra-*` that matches nothing on a fresh account, since its core-infra no longer makes the role.)
   */
  executionRole: `${coreInfraName}-ecs-task-execution`,
});

const FIFO_SUFFIX = ".fifo";

/**
 * Names inside the sqs-dynamic-target-tracking stack, from its `appName` (the blueprint's `local.name`). The
 * rule names are the blueprint's fixed ones, so its runbooks and dashboards still match.
 */
export const blueprintNames = (appName: string, queueName?: string) => {
  const queue = queueName ?? `${appName}-processing-queue${FIFO_SUFFIX}`;
  return {
    /** The worker's service, container and task family. */
    service: appName,
    queue,
    deadLetterQueue: `${queue.slice(0, -FIFO_SUFFIX.length)}-dlq${FIFO_SUFFIX}`,
    ecrRepository: appName,
    producerFunction: `${appName}-message-producer`,
    targetSetterFunction: `${appName}-target_bpi_update`,
    producerRule: "SQSTestMessageProducer",
    targetSetterRule: "ECSAutoscaleTargetBPIUpdate",
    pipeline: `pipeline-${appName}`,
    buildProject: `codebuild-${appName}`,
    notificationTopic: appName,
    notificationRule: `${appName}-pipeline-actions`,
    connection: `${appName}-github`,
  };
};

/**
 * Names inside the sqs-queue-depth-tracking stack, from its `name` setting: two services (producer, worker) on one
 * standard queue.
 */
export const queueDepthTrackingNames = (name: string) => ({
  producerService: `${name}-producer`,
  workerService: `${name}-worker`,
  queue: `${name}-queue`,
  deadLetterQueue: `${name}-dlq`,
  deadLetterAlarm: `${name}-dlq-not-empty`,
  ecrRepository: name,
  scalingPolicy: `${name}-queue-depth-tracking`,
  endpoints: `${name}-endpoints`,
});

/** Names inside the sqs-scale-to-zero stack, from its `name` setting; FIFO queue names end in `.fifo`. */
export const scaleToZeroNames = (name: string, fifo: boolean) => {
  const suffix = fifo ? FIFO_SUFFIX : "";
  return {
    service: `${name}-worker`,
    queue: `${name}-queue${suffix}`,
    deadLetterQueue: `${name}-dlq${suffix}`,
    deadLetterAlarm: `${name}-dlq-not-empty`,
    ecrRepository: name,
    scaleOutPolicy: `${name}-scale-out`,
    scaleOutAlarm: `${name}-messages-waiting`,
    idlePolicy: `${name}-scale-to-zero`,
    idleAlarm: `${name}-idle`,
    backlogPolicy: `${name}-backlog-per-task`,
  };
};

/** Names inside the sqs-task-per-message stack, from its `name` setting. */
export const taskPerMessageNames = (name: string) => ({
  queue: `${name}-jobs`,
  deadLetterQueue: `${name}-jobs-dlq`,
  deadLetterAlarm: `${name}-jobs-dlq-not-empty`,
  ecrRepository: name,
  /** Task definition family and container of the job. */
  jobFamily: `${name}-job`,
  launcherFunction: `${name}-launcher`,
  launcherErrorsAlarm: `${name}-launcher-errors`,
  failureHandlerFunction: `${name}-failure-handler`,
  failureHandlerErrorsAlarm: `${name}-failure-handler-errors`,
  /** On the failure handler's own failure queue (events it could not handle). */
  undeliveredEventsAlarm: `${name}-stopped-events-unhandled`,
  taskStoppedRule: `${name}-task-stopped`,
});

/** Names inside the sqs-recursive-fanout stack, from its `name` setting. */
export const recursiveFanoutNames = (name: string) => ({
  queue: `${name}-nodes`,
  deadLetterQueue: `${name}-nodes-dlq`,
  deadLetterAlarm: `${name}-nodes-dlq-not-empty`,
  table: `${name}-runs`,
  ecrRepository: name,
  service: `${name}-worker`,
  scalingPolicy: `${name}-backlog-per-task`,
  publisherFunction: `${name}-publisher`,
  publisherRule: `${name}-publish-backlog-per-task`,
  missingDataAlarm: `${name}-backlog-per-task-missing`,
});
