/**
 * Synth-time settings: the one place that reads and validates them.
 *
 * Every setting has a cdktf context key (set in `cdktf.json` under "context") and an environment variable
 * (which wins over the context, so a single run can be changed without editing files). Constructs never read
 * the environment: they get the validated `Settings` object, or the part of it they need, as props.
 *
 * `loadSettings` collects every invalid value and throws one `SettingsError` that names each setting, the
 * value given and what is allowed. `main.ts` calls it before the cdktf `App` exists, so a bad value writes
 * nothing to `cdktf.out`.
 */

import { DEFAULT_UTILISATION, ScalingMetric, SCALING_METRICS } from "../app-code/shared/target-bpi";

/** Where raw values come from. Tests pass plain objects; `main.ts` passes the real context and environment. */
export interface SettingsSource {
  readonly context?: Record<string, unknown>;
  readonly env?: Record<string, string | undefined>;
}

/** Thrown by `loadSettings`; `message` holds one line per invalid setting. */
export class SettingsError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** The parser's verdict on one raw value: the parsed value, or `INVALID`. */
const INVALID = Symbol("invalid");
type Parsed<T> = T | typeof INVALID;

export interface SettingDefinition<T> {
  /** Key in the cdktf context (`cdktf.json` "context"). */
  readonly key: string;
  /** Environment variable; wins over the context. */
  readonly env: string;
  /** One line for the README's settings table. */
  readonly doc: string;
  /** What is allowed, as the error message and the README say it. */
  readonly allowed: string;
  /** Default when neither source sets it. `undefined` means the setting is optional and off. */
  readonly default: T;
  readonly parse: (raw: unknown) => Parsed<T>;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsers. Context values may be JSON typed (numbers, booleans, objects); environment values are always strings.

const asString = (raw: unknown): string | undefined =>
  typeof raw === "string" ? raw.trim() : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;

export function integer(min: number, max: number) {
  return (raw: unknown): Parsed<number> => {
    const s = asString(raw);
    if (s === undefined || !/^-?\d+$/.test(s)) return INVALID;
    const n = Number(s);
    return n >= min && n <= max ? n : INVALID;
  };
}

/** A finite number in (min, max] when `exclusiveMin`, else [min, max]. */
export function decimal(min: number, max: number, exclusiveMin = false) {
  return (raw: unknown): Parsed<number> => {
    const s = asString(raw);
    if (s === undefined || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return INVALID;
    const n = Number(s);
    const aboveMin = exclusiveMin ? n > min : n >= min;
    return Number.isFinite(n) && aboveMin && n <= max ? n : INVALID;
  };
}

export function boolean() {
  return (raw: unknown): Parsed<boolean> => {
    const s = asString(raw)?.toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
    return INVALID;
  };
}

export function pattern(re: RegExp, maxLength = Infinity) {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    return s !== undefined && s.length <= maxLength && re.test(s) ? s : INVALID;
  };
}

export function optional<T>(parse: (raw: unknown) => Parsed<T>) {
  return (raw: unknown): Parsed<T | undefined> => (asString(raw) === "" ? undefined : parse(raw));
}

export function oneOf<T extends string>(...values: T[]) {
  return (raw: unknown): Parsed<T> => {
    const s = asString(raw);
    return values.includes(s as T) ? (s as T) : INVALID;
  };
}

/** An IPv4 network in CIDR notation whose prefix is within [minPrefix, maxPrefix] and whose host bits are 0. */
export function ipv4Cidr(minPrefix: number, maxPrefix: number) {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    const m = s?.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/);
    if (!m) return INVALID;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix < minPrefix || prefix > maxPrefix) return INVALID;
    const address = ipv4ToInt(octets);
    const hostMask = prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
    return (address & hostMask) === 0 ? s! : INVALID;
  };
}

/** AWS tags as a JSON object of strings (context: an object; environment: its JSON text). */
export function tagMap() {
  return (raw: unknown): Parsed<Record<string, string>> => {
    let value = raw;
    if (typeof raw === "string") {
      try {
        value = JSON.parse(raw);
      } catch {
        return INVALID;
      }
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return INVALID;
    const entries = Object.entries(value as Record<string, unknown>);
    const valid = entries.every(
      ([k, v]) =>
        typeof v === "string" &&
        k.length >= 1 &&
        k.length <= 128 &&
        v.length <= 256 &&
        !k.toLowerCase().startsWith("aws:") &&
        /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(k) &&
        /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(v),
    );
    return valid ? Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1))) as Record<string, string> : INVALID;
  };
}

const SCHEDULE_ALLOWED =
  "rate(N unit) with N >= 1 and unit minute/hour/day (singular only for 1, plural otherwise), or cron(<6 fields>)";

/** An EventBridge schedule expression: `rate(1 minute)`, `rate(5 minutes)`, `cron(0 12 * * ? *)`. */
export function scheduleExpression() {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    if (s === undefined) return INVALID;
    const rate = s.match(/^rate\((\d+) (minute|hour|day)(s?)\)$/);
    if (rate) {
      const n = Number(rate[1]);
      return n >= 1 && (n === 1) === (rate[3] === "") ? s : INVALID;
    }
    const cron = s.match(/^cron\((.+)\)$/);
    return cron && cron[1].trim().split(/\s+/).length === 6 ? s : INVALID;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared shapes for names, so every stack validates a name the same way.

/** Lower-case letters, digits and hyphens, starting with a letter: valid for ECS, IAM, S3, DNS labels and SQS. */
export const RESOURCE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const S3_BUCKET = /^(?!xn--)(?!.*-s3alias$)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function def<T>(d: SettingDefinition<T>): SettingDefinition<T> {
  return d;
}

/**
 * Every setting. The README's settings table lists exactly these (a test checks it), so add new settings here
 * with their doc line and nowhere else.
 */
export const SETTING_DEFINITIONS = {
  region: def({
    key: "region",
    env: "QS_REGION",
    doc: "AWS region of every stack (provider `region`).",
    allowed: "an AWS region code such as us-west-2",
    default: "us-west-2",
    parse: pattern(AWS_REGION),
  }),
  coreInfraName: def({
    key: "coreInfraName",
    env: "QS_CORE_INFRA_NAME",
    doc: "Name of the shared infrastructure: VPC, ECS cluster, subnet name prefix, `Blueprint` tag of core-infra. Other stacks find core-infra by it.",
    allowed: "2-20 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    default: "core-infra",
    parse: pattern(RESOURCE_NAME, 20),
  }),
  azCount: def({
    key: "azCount",
    env: "QS_AZ_COUNT",
    doc: "How many availability zones (from the `aws_availability_zones` data source) get a public and a private subnet.",
    allowed: "an integer from 1 to 3",
    default: 3,
    parse: integer(1, 3),
  }),
  vpcCidr: def({
    key: "vpcCidr",
    env: "QS_VPC_CIDR",
    doc: "CIDR of the core VPC. Public subnet k is its /24 number k, private subnet k its /24 number k+10.",
    allowed: "an IPv4 network with prefix /16 to /20 and no host bits set, such as 10.0.0.0/16",
    default: "10.0.0.0/16",
    parse: ipv4Cidr(16, 20),
  }),
  githubRepoTag: def({
    key: "githubRepoTag",
    env: "QS_GITHUB_REPO_TAG",
    doc: "Value of the `GithubRepo` default tag on every resource.",
    allowed: "1-256 characters valid in an AWS tag value",
    default: "github.com/aws-ia/ecs-blueprints",
    parse: pattern(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u),
  }),
  extraTags: def<Record<string, string>>({
    key: "extraTags",
    env: "QS_TAGS",
    doc: "Additional default tags for every resource, as a JSON object (e.g. `{\"CostCenter\":\"42\"}`).",
    allowed: 'a JSON object of string values, keys 1-128 and values 0-256 tag characters, no "aws:" prefix',
    default: {},
    parse: tagMap(),
  }),
  stateBucket: def<string | undefined>({
    key: "stateBucket",
    env: "QS_STATE_BUCKET",
    doc: "S3 bucket for Terraform state. Unset: local state files `terraform.<stack>.tfstate` in the project folder. Set: S3 backend with encryption and a native lock file (`use_lockfile`).",
    allowed: "empty, or a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
    default: undefined,
    parse: optional(pattern(S3_BUCKET)),
  }),
  stateKeyPrefix: def({
    key: "stateKeyPrefix",
    env: "QS_STATE_KEY_PREFIX",
    doc: "With `stateBucket`: state object key is `<prefix>/<stack>.tfstate`.",
    allowed: "1-200 characters: letters, digits, and - _ . / (no leading or trailing /)",
    default: "queue-scaling",
    parse: pattern(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 200),
  }),
  stateRegion: def<string | undefined>({
    key: "stateRegion",
    env: "QS_STATE_REGION",
    doc: "With `stateBucket`: the bucket's region. Unset: `region`.",
    allowed: "empty, or an AWS region code such as us-west-2",
    default: undefined,
    parse: optional(pattern(AWS_REGION)),
  }),

  // ------------------------------------------------------------------------------------------------------------
  // Stack sqs-dynamic-target-tracking (the blueprint). Defaults are the blueprint's values.
  appName: def({
    key: "appName",
    env: "QS_APP_NAME",
    doc: "Name of the sqs-dynamic-target-tracking workload: ECS service, container, log group `/ecs/<name>`, prefix of the queue, Lambda, role, ECR, CodeBuild and pipeline names.",
    allowed: "2-24 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
    default: "ecsdemo-queue",
    parse: pattern(RESOURCE_NAME, 24),
  }),
  queueName: def<string | undefined>({
    key: "queueName",
    env: "QS_QUEUE_NAME",
    doc: "Name of the FIFO processing queue. Unset: `<appName>-processing-queue.fifo`. Its dead-letter queue is `<queue name without .fifo>-dlq.fifo`.",
    allowed: "empty, or 6-75 characters: letters, digits, - and _, ending in .fifo",
    default: undefined,
    parse: optional(pattern(/^[A-Za-z0-9_-]{1,70}\.fifo$/)),
  }),
  scalingPolicyName: def({
    key: "scalingPolicyName",
    env: "QS_SCALING_POLICY_NAME",
    doc: "Name of the target-tracking scaling policy whose target value the target-setter Lambda updates.",
    allowed: "1-128 characters: letters, digits, and - _ .",
    default: "ecs_sqs_scaling",
    parse: pattern(/^[A-Za-z0-9_.-]{1,128}$/),
  }),
  desiredLatencySeconds: def({
    key: "desiredLatencySeconds",
    env: "QS_DESIRED_LATENCY_SECONDS",
    doc: "Acceptable time for a message to wait in the queue; target backlog per task = latency × concurrency / mean processing time.",
    allowed: "a number greater than 0 and at most 86400",
    default: 60,
    parse: decimal(0, 86400, true),
  }),
  defaultMessageDurationSeconds: def({
    key: "defaultMessageDurationSeconds",
    env: "QS_DEFAULT_MESSAGE_DURATION_SECONDS",
    doc: "Processing time the target setter assumes while the app metric has no data.",
    allowed: "a number greater than 0 and at most 43200",
    default: 5,
    parse: decimal(0, 43200, true),
  }),
  maxMessageDurationSeconds: def({
    key: "maxMessageDurationSeconds",
    env: "QS_MAX_MESSAGE_DURATION_SECONDS",
    doc: "Longest processing time a message may ask for; the worker leaves longer ones for the dead-letter queue. The queue's visibility timeout is derived from it (1.5 × it + 30 s).",
    allowed: "an integer from 1 to 28000",
    default: 60,
    parse: integer(1, 28000),
  }),
  messagesPerProducerRun: def({
    key: "messagesPerProducerRun",
    env: "QS_MESSAGES_PER_PRODUCER_RUN",
    doc: "Messages the test producer Lambda sends per run.",
    allowed: "an integer from 1 to 10000",
    default: 50,
    parse: integer(1, 10000),
  }),
  producerDurationMinSeconds: def({
    key: "producerDurationMinSeconds",
    env: "QS_PRODUCER_DURATION_MIN_SECONDS",
    doc: "Shortest `duration` the producer writes into a message (uniform between min and max; equal values: fixed).",
    allowed: "a number from 0 to 28000, at most producerDurationMaxSeconds",
    default: 5,
    parse: decimal(0, 28000),
  }),
  producerDurationMaxSeconds: def({
    key: "producerDurationMaxSeconds",
    env: "QS_PRODUCER_DURATION_MAX_SECONDS",
    doc: "Longest `duration` the producer writes into a message.",
    allowed: "a number from 0 to 28000, at least producerDurationMinSeconds and at most maxMessageDurationSeconds",
    default: 5,
    parse: decimal(0, 28000),
  }),
  messageGroupCount: def({
    key: "messageGroupCount",
    env: "QS_MESSAGE_GROUP_COUNT",
    doc: "FIFO message groups the producer spreads messages over (messages of one group are processed in order, one at a time).",
    allowed: "an integer from 1 to 1000",
    default: 10,
    parse: integer(1, 1000),
  }),
  metricNamespace: def({
    key: "metricNamespace",
    env: "QS_METRIC_NAMESPACE",
    doc: "CloudWatch namespace of the app metric and the BPI metric; IAM allows PutMetricData only into it.",
    allowed: "1-255 characters: letters, digits, and . - _ / # :, not starting with AWS/",
    default: "ECS-SQS-BPI",
    parse: pattern(/^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/),
  }),
  appMetricName: def({
    key: "appMetricName",
    env: "QS_APP_METRIC_NAME",
    doc: "Metric the worker publishes: processing time of each message in seconds.",
    allowed: "1-255 characters: letters, digits, and . - _ / # :",
    default: "MsgProcessingDuration",
    parse: pattern(/^[A-Za-z0-9.\-_/#:]{1,255}$/),
  }),
  bpiMetricName: def({
    key: "bpiMetricName",
    env: "QS_BPI_METRIC_NAME",
    doc: "Metric the target setter publishes: the target backlog per task it computed.",
    allowed: "1-255 characters: letters, digits, and . - _ / # :",
    default: "ecsTargetBPI",
    parse: pattern(/^[A-Za-z0-9.\-_/#:]{1,255}$/),
  }),
  metricType: def({
    key: "metricType",
    env: "QS_METRIC_TYPE",
    doc: "Value of the `Type` dimension of the app and BPI metrics.",
    allowed: "1-255 characters: letters, digits, and . - _ / # :",
    default: "Single-Queue",
    parse: pattern(/^[A-Za-z0-9.\-_/#:]{1,255}$/),
  }),
  minCapacity: def({
    key: "minCapacity",
    env: "QS_MIN_CAPACITY",
    doc: "Fewest worker tasks Application Auto Scaling keeps.",
    allowed: "an integer from 1 to 5000 (ECS tasks per service), at most maxCapacity",
    default: 1,
    parse: integer(1, 5000),
  }),
  maxCapacity: def({
    key: "maxCapacity",
    env: "QS_MAX_CAPACITY",
    doc: "Most worker tasks Application Auto Scaling starts.",
    allowed: "an integer from 1 to 5000 (ECS tasks per service), at least minCapacity",
    default: 10,
    parse: integer(1, 5000),
  }),
  scalingMetric: def({
    key: "scalingMetric",
    env: "QS_SCALING_METRIC",
    doc: "Metric of the target-tracking policy. `load-per-task`: (messages sent per minute × latency / 60 + the backlog beyond one minute's sends) / running tasks, target = utilisation × latency × concurrency / mean processing time; it falls in proportion to the tasks, so the policy does not scale in until the service is short. `backlog-per-task`: the blueprint's visible / running tasks, target = latency × concurrency / mean processing time. Chosen with the simulator (docs/simulator.md).",
    allowed: "load-per-task or backlog-per-task",
    default: "load-per-task" as ScalingMetric,
    parse: oneOf(...SCALING_METRICS),
  }),
  targetUtilisation: def({
    key: "targetUtilisation",
    env: "QS_TARGET_UTILISATION",
    doc: "Share of the tasks' time the arriving load may keep busy with scalingMetric load-per-task (the rest is headroom for bursts and Poisson arrivals); ignored by backlog-per-task. Chosen with the simulator.",
    allowed: "a number greater than 0 and at most 1",
    default: DEFAULT_UTILISATION,
    parse: decimal(0, 1, true),
  }),
  stepScaling: def({
    key: "stepScaling",
    env: "QS_STEP_SCALING",
    doc: "Two step-scaling policies next to target tracking, on the capacity utilisation the demand needs (live processing time from the app metric): burst (one minute at 1.2 × the capacity scales out at once) and idle (two minutes below half of targetUtilisation scale in at once). Target tracking alone waits 3 minutes to scale out and 15 to scale in. Chosen with the simulator.",
    allowed: "true or false",
    default: true,
    parse: boolean(),
  }),
  initialTargetBpi: def<number | undefined>({
    key: "initialTargetBpi",
    env: "QS_INITIAL_TARGET_BPI",
    doc: "Target value the scaling policy is created with; afterwards the target-setter Lambda owns it and Terraform leaves it alone. Unset: the target setter's formula for defaultMessageDurationSeconds (12 for backlog-per-task with the defaults).",
    allowed: "empty, or a number greater than 0 and at most 1000000",
    default: undefined,
    parse: optional(decimal(0, 1_000_000, true)),
  }),
  scaleInCooldownSeconds: def({
    key: "scaleInCooldownSeconds",
    env: "QS_SCALE_IN_COOLDOWN_SECONDS",
    doc: "Target-tracking scale-in cooldown (blueprint: 240 s). 300 s (Application Auto Scaling's default): with load-per-task and the idle step policy it hardly matters (60-3600 s leave the shares over the goal unchanged and task-hours within 0.05 × the lower bound); it only paces target tracking's own slow scale-in. Chosen with the simulator (docs/simulator.md).",
    allowed: "an integer from 0 to 86400",
    default: 300,
    parse: integer(0, 86400),
  }),
  scaleOutCooldownSeconds: def({
    key: "scaleOutCooldownSeconds",
    env: "QS_SCALE_OUT_COOLDOWN_SECONDS",
    doc: "Target-tracking scale-out cooldown. 60 s (blueprint: 240 s) lets a growing demand add tasks again after one minute; chosen with the simulator.",
    allowed: "an integer from 0 to 86400",
    default: 60,
    parse: integer(0, 86400),
  }),
  dlqMaxReceiveCount: def({
    key: "dlqMaxReceiveCount",
    env: "QS_DLQ_MAX_RECEIVE_COUNT",
    doc: "Receives of a message before SQS moves it to the dead-letter queue.",
    allowed: "an integer from 1 to 1000",
    default: 3,
    parse: integer(1, 1000),
  }),
  workerConcurrency: def({
    key: "workerConcurrency",
    env: "QS_WORKER_CONCURRENCY",
    doc: "Messages one worker task processes at the same time (also the target setter's factor).",
    allowed: "an integer from 1 to 100",
    default: 1,
    parse: integer(1, 100),
  }),
  targetSetterLookbackMinutes: def({
    key: "targetSetterLookbackMinutes",
    env: "QS_TARGET_SETTER_LOOKBACK_MINUTES",
    doc: "Window of the app metric the target setter averages over (blueprint: 60). 10 minutes with the 10-minute schedule: the target follows a change of processing time within 20 minutes; chosen with the simulator.",
    allowed: "an integer from 5 to 1440",
    default: 10,
    parse: integer(5, 1440),
  }),
  targetUpdateThreshold: def({
    key: "targetUpdateThreshold",
    env: "QS_TARGET_UPDATE_THRESHOLD",
    doc: "Relative change of the target below which the target setter leaves the policy unchanged.",
    allowed: "a number from 0 to 1",
    default: 0.05,
    parse: decimal(0, 1),
  }),
  producerSchedule: def({
    key: "producerSchedule",
    env: "QS_PRODUCER_SCHEDULE",
    doc: "EventBridge schedule of the test producer (rule `SQSTestMessageProducer`).",
    allowed: SCHEDULE_ALLOWED,
    default: "rate(1 minute)",
    parse: scheduleExpression(),
  }),
  producerEnabled: def({
    key: "producerEnabled",
    env: "QS_PRODUCER_ENABLED",
    doc: "Whether the producer rule is ENABLED. Off by default: it sends messages every minute and costs money.",
    allowed: "true or false",
    default: false,
    parse: boolean(),
  }),
  targetSetterSchedule: def({
    key: "targetSetterSchedule",
    env: "QS_TARGET_SETTER_SCHEDULE",
    doc: "EventBridge schedule of the target setter (rule `ECSAutoscaleTargetBPIUpdate`; blueprint: `rate(60 minutes)`). Every 10 minutes: hourly, a doubled processing time leaves the service short for up to an hour (duration-shift workload: 1.2-2.0 % over the goal instead of 0.6 %); chosen with the simulator.",
    allowed: SCHEDULE_ALLOWED,
    default: "rate(10 minutes)",
    parse: scheduleExpression(),
  }),
  targetSetterEnabled: def({
    key: "targetSetterEnabled",
    env: "QS_TARGET_SETTER_ENABLED",
    doc: "Whether the target-setter rule is ENABLED (the blueprint ships it disabled, which defeats its purpose).",
    allowed: "true or false",
    default: true,
    parse: boolean(),
  }),
  buildWorkerImage: def({
    key: "buildWorkerImage",
    env: "QS_BUILD_WORKER_IMAGE",
    doc: "Build the worker image from `app-code/` with the docker provider and push it to ECR during deploy, so the service starts without waiting for the pipeline. Needs a Docker engine at apply (not at plan).",
    allowed: "true or false",
    default: true,
    parse: boolean(),
  }),
  pipelineSource: def({
    key: "pipelineSource",
    env: "QS_PIPELINE_SOURCE",
    doc: "Source action of the pipeline: `codestar-connection` (GitHub through a CodeStar connection, completed once in the console) or `github-oauth` (the blueprint's GitHub v1 action with a token from Secrets Manager; puts the token into Terraform state).",
    allowed: "codestar-connection or github-oauth",
    default: "codestar-connection" as "codestar-connection" | "github-oauth",
    parse: oneOf("codestar-connection", "github-oauth"),
  }),
} as const;

type Definitions = typeof SETTING_DEFINITIONS;
export type SettingName = keyof Definitions;

/** The validated settings, one typed field per definition. */
export type Settings = {
  readonly [K in SettingName]: Definitions[K] extends SettingDefinition<infer T> ? T : never;
};

/** Rules that involve more than one setting; each returns a problem text or undefined. */
const CROSS_CHECKS: ReadonlyArray<(s: Settings) => string | undefined> = [
  (s) =>
    s.minCapacity <= s.maxCapacity
      ? undefined
      : `minCapacity (${s.minCapacity}) is greater than maxCapacity (${s.maxCapacity}); allowed: minCapacity <= maxCapacity.`,
  (s) =>
    s.producerDurationMinSeconds <= s.producerDurationMaxSeconds
      ? undefined
      : `producerDurationMinSeconds (${s.producerDurationMinSeconds}) is greater than producerDurationMaxSeconds (${s.producerDurationMaxSeconds}); allowed: min <= max.`,
  (s) =>
    s.producerDurationMaxSeconds <= s.maxMessageDurationSeconds
      ? undefined
      : `producerDurationMaxSeconds (${s.producerDurationMaxSeconds}) is greater than maxMessageDurationSeconds (${s.maxMessageDurationSeconds}); allowed: at most maxMessageDurationSeconds, or the worker rejects the producer's messages.`,
];

function describe(d: SettingDefinition<unknown>): string {
  return `${d.key} (env ${d.env})`;
}

/** A raw value as the error message quotes it: strings in quotes, context values as JSON. */
function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}

/**
 * Reads every setting from the environment (first) or the cdktf context, applies defaults and validates.
 * @throws SettingsError listing every invalid value.
 */
export function loadSettings(source: SettingsSource = {}): Settings {
  const context = source.context ?? {};
  const env = source.env ?? {};
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(SETTING_DEFINITIONS) as [string, SettingDefinition<unknown>][]) {
    const raw = env[d.env] !== undefined ? env[d.env] : context[d.key];
    if (raw === undefined || raw === null) {
      values[name] = d.default;
      continue;
    }
    const parsed = d.parse(raw);
    if (parsed === INVALID) {
      problems.push(`${describe(d)} is ${show(raw)}; allowed: ${d.allowed}.`);
    } else {
      values[name] = parsed;
    }
  }
  const settings = values as Settings;
  if (problems.length === 0) {
    for (const check of CROSS_CHECKS) {
      const problem = check(settings);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze(settings);
}

/** The context cdktf passes to the app (`cdktf.json` "context", serialized by the CLI into this variable). */
export function cdktfContextFromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const json = env.CDKTF_CONTEXT_JSON;
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new SettingsError([`CDKTF_CONTEXT_JSON is not valid JSON; check the "context" object in cdktf.json.`]);
  }
}

function ipv4ToInt(octets: number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** `cidrsubnet` as Terraform defines it, computed at synth time so the JSON shows literal subnet ranges. */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const newPrefix = prefix + newBits;
  if (newPrefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`cidrSubnet(${cidr}, ${newBits}, ${index}): index out of range`);
  }
  const base = ipv4ToInt(address.split(".").map(Number));
  const subnet = (base + index * 2 ** (32 - newPrefix)) >>> 0;
  const octets = [24, 16, 8, 0].map((shift) => (subnet >>> shift) & 0xff);
  return `${octets.join(".")}/${newPrefix}`;
}
