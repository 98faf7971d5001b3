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
