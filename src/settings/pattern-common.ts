/**
 * Definitions and cross-checks the pattern stacks' settings share (name, task size, capacity, cooldowns, DLQ,
 * metric namespace, image build), made by factories so each stack's file states only its defaults and texts.
 * The variable of a setting follows the per-stack rule: `QS_<STACK>__<KEY>`.
 */
import { fargateSizeProblem, FARGATE_CPU_VALUES } from "../fargate-size";
import { CrossCheck, def, stackEnvPrefix, upperSnake } from "./group";
import { boolean, integer, METRIC_NAMESPACE, pattern, RESOURCE_NAME, where } from "./parsers";

/** The variable of one setting of a stack: `QS_<STACK>__<KEY>`. */
export const stackEnv = (stack: string, key: string): string => `${stackEnvPrefix(stack)}${upperSnake(key)}`;

/** The stack's workload name: prefix of its services, queues, log groups, roles and repository. */
export const nameSetting = (stack: string, defaultName: string) =>
  def({
    key: "name",
    env: stackEnv(stack, "name"),
    doc: `Name of the ${stack} workload: prefix of its ECS services, queues, log groups (\`/ecs/<name>-…\`), roles, alarms and ECR repository.`,
    allowed: "2-24 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    default: defaultName,
    parse: pattern(RESOURCE_NAME, 24),
  });

export const cpuSetting = (stack: string, defaultCpu: number, what: string) =>
  def({
    key: "cpu",
    env: stackEnv(stack, "cpu"),
    doc: `CPU units of ${what} (1024 = 1 vCPU).`,
    allowed: `a Fargate task CPU: ${FARGATE_CPU_VALUES.join(", ")}`,
    default: defaultCpu,
    parse: where(integer(256, 16384), (n) => FARGATE_CPU_VALUES.includes(n)),
  });

export const memorySetting = (stack: string, defaultMemory: number, what: string) =>
  def({
    key: "memory",
    env: stackEnv(stack, "memory"),
    doc: `Memory of ${what} in MiB.`,
    allowed: "an amount Fargate allows for the cpu setting (e.g. 512-2048 for 256, 1024-4096 for 512, 8192-30720 for 4096)",
    default: defaultMemory,
    parse: integer(512, 122880),
  });

/** cpu and memory form a task size Fargate runs. */
export const fargateSizeCheck: CrossCheck<{ readonly cpu: number; readonly memory: number }> = {
  doc: "cpu and memory are a Fargate task size",
  check: (s, describe) => {
    const problem = fargateSizeProblem(s.cpu, s.memory);
    return problem && `${describe("cpu")} and ${describe("memory")} are no Fargate task size: ${problem}.`;
  },
};

export const capacitySetting = (stack: string, key: "minCapacity" | "maxCapacity", lowest: number, defaultCount: number, doc: string) =>
  def({
    key,
    env: stackEnv(stack, key),
    doc,
    allowed: `an integer from ${lowest} to 5000 (ECS tasks per service), ${key === "minCapacity" ? "at most maxCapacity" : "at least minCapacity"}`,
    default: defaultCount,
    parse: integer(lowest, 5000),
  });

export const capacityCheck: CrossCheck<{ readonly minCapacity: number; readonly maxCapacity: number }> = {
  doc: "minCapacity ≤ maxCapacity",
  check: (s, describe) =>
    s.minCapacity <= s.maxCapacity ? undefined : `${describe("minCapacity")} is greater than ${describe("maxCapacity")}; allowed: minCapacity <= maxCapacity.`,
};

export const secondsSetting = (stack: string, key: string, defaultSeconds: number, min: number, max: number, doc: string) =>
  def({ key, env: stackEnv(stack, key), doc, allowed: `an integer from ${min} to ${max}`, default: defaultSeconds, parse: integer(min, max) });

export const dlqMaxReceiveCountSetting = (stack: string, defaultCount: number) =>
  def({
    key: "dlqMaxReceiveCount",
    env: stackEnv(stack, "dlqMaxReceiveCount"),
    doc: "Receives of a message before SQS moves it to the dead-letter queue (an alarm goes off when the DLQ holds a message).",
    allowed: "an integer from 1 to 1000",
    default: defaultCount,
    parse: integer(1, 1000),
  });

export const metricNamespaceSetting = (stack: string, defaultNamespace: string) =>
  def({
    key: "metricNamespace",
    env: stackEnv(stack, "metricNamespace"),
    doc: "CloudWatch namespace of the worker's processing-time metric; IAM allows PutMetricData only into it.",
    allowed: "1-255 characters: letters, digits, and . - _ / # :, not starting with AWS/",
    default: defaultNamespace,
    parse: pattern(METRIC_NAMESPACE),
  });

export const buildWorkerImageSetting = (stack: string) =>
  def({
    key: "buildWorkerImage",
    env: stackEnv(stack, "buildWorkerImage"),
    doc: "Build the image from `app-code/` with the docker provider and push it to this stack's ECR repository during deploy. Needs a Docker engine at apply (not at plan). Off: push an image tagged as the task definition says yourself.",
    allowed: "true or false",
    default: true,
    parse: boolean(),
  });
