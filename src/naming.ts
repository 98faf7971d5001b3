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
