/**
 * Settings of one stack, as a group of its own: read from `"context": {"<stack>": {...}}` in cdktf.json and from
 * `QS_<STACK>__<KEY>` environment variables (`QS_SQS_SCALE_TO_ZERO__MAX_CAPACITY`), validated with the parsers of src/settings.ts, with one clear message per
 * bad value. A key in the group's context object or a variable with the group's prefix that names no setting is an
 * error too (a typo must not silently leave the default in place). One stack's group cannot change another stack.
 *
 * Also the definitions the pattern stacks share (name, task size, capacity, cooldowns, image build), made by
 * factories so each group states only its defaults.
 *
 * Interim: the groups of the two pattern stacks until every stack's settings are organised per stack; the names
 * (context object per stack, `QS_<STACK>__<KEY>`) already follow that scheme.
 */
import { fargateSizeProblem, FARGATE_CPU_VALUES } from "../fargate-size";
import {
  boolean,
  CrossCheck,
  def,
  integer,
  METRIC_NAMESPACE,
  parseDefinitions,
  pattern,
  RESOURCE_NAME,
  SettingDefinition,
  SettingsOf,
  SettingsSource,
  where,
} from "../settings";

export interface SettingGroup<D extends Record<string, SettingDefinition<any>>> {
  /** The stack's name: the group's key in the cdktf context. */
  readonly stack: string;
  readonly definitions: D;
  readonly checks: ReadonlyArray<CrossCheck<SettingsOf<D>>>;
}

/** `desiredLatencySeconds` -> `DESIRED_LATENCY_SECONDS`. */
const upperSnake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();

/** Start of a stack's variables: `sqs-scale-to-zero` -> `QS_SQS_SCALE_TO_ZERO__`. */
export const stackEnvPrefix = (stack: string): string => `QS_${upperSnake(stack)}__`;

/** The variable of one setting of a stack: `QS_<STACK>__<KEY>`. */
export const stackEnv = (stack: string, key: string): string => `${stackEnvPrefix(stack)}${upperSnake(key)}`;

/** How an error message names a setting of the group. */
export const groupLabel = (stack: string) => (d: SettingDefinition<unknown>) => `${stack}.${d.key} (env ${d.env})`;

/**
 * Parses one group; pushes one problem per invalid or unknown setting onto `problems` (so several groups and the
 * global settings report together). Returns the values (meaningful only when nothing was pushed).
 */
export function parseGroup<D extends Record<string, SettingDefinition<any>>>(
  group: SettingGroup<D>,
  source: SettingsSource,
  problems: string[],
): SettingsOf<D> {
  const defs = Object.values(group.definitions) as SettingDefinition<unknown>[];
  const raw = source.context?.[group.stack];
  let context: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${group.stack} (cdktf context) is ${JSON.stringify(raw)}; allowed: an object of this stack's settings, e.g. {"${defs[0].key}": ...}.`);
    } else {
      context = raw as Record<string, unknown>;
    }
  }
  const keys = new Set(defs.map((d) => d.key));
  const known = defs.map((d) => d.key).join(", ");
  for (const key of Object.keys(context).filter((k) => !keys.has(k)).sort()) {
    problems.push(`${group.stack}.${key} (cdktf context) is not a setting of stack ${group.stack}; allowed: ${known}.`);
  }
  const vars = new Set(defs.map((d) => d.env));
  const env = source.env ?? {};
  const prefix = stackEnvPrefix(group.stack);
  for (const name of Object.keys(env).filter((v) => v.startsWith(prefix) && !vars.has(v)).sort()) {
    problems.push(`${name} is not a setting of stack ${group.stack}; allowed: ${defs.map((d) => d.env).join(", ")}.`);
  }
  return parseDefinitions(group.definitions, group.checks, { context, env }, problems, groupLabel(group.stack));
}

// ---------------------------------------------------------------------------------------------------------------
// Definitions the pattern stacks share.

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
export const fargateSizeCheck: CrossCheck<{ readonly cpu: number; readonly memory: number }> = (s) => {
  const problem = fargateSizeProblem(s.cpu, s.memory);
  return problem && `cpu (${s.cpu}) and memory (${s.memory}) are no Fargate task size: ${problem}.`;
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

export const capacityCheck: CrossCheck<{ readonly minCapacity: number; readonly maxCapacity: number }> = (s) =>
  s.minCapacity <= s.maxCapacity
    ? undefined
    : `minCapacity (${s.minCapacity}) is greater than maxCapacity (${s.maxCapacity}); allowed: minCapacity <= maxCapacity.`;

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
