/**
 * Settings of the stack sqs-recursive-fanout (PATTERNS.md §4): context `"sqs-recursive-fanout": {...}`, environment
 * `QS_SQS_RECURSIVE_FANOUT__*`. See docs/sqs-recursive-fanout.md.
 */
import { TreeShape, treeShapeProblems } from "../../app-code/recursive-fanout/synthetic-tree";
import { def, stackSettings, ValuesOf } from "./group";
import { boolean, decimal, integer, SCHEDULE_ALLOWED, scheduleExpression } from "./parsers";
import {
  buildWorkerImageSetting,
  cpuSetting,
  dlqMaxReceiveCountSetting,
  fargateSizeCheck,
  memorySetting,
  metricNamespaceSetting,
  nameSetting,
  secondsSetting,
  stackEnv,
} from "./pattern-common";

export const RECURSIVE_FANOUT_STACK = "sqs-recursive-fanout";
const env = (key: string) => stackEnv(RECURSIVE_FANOUT_STACK, key);

export const RECURSIVE_FANOUT_SETTINGS = stackSettings(RECURSIVE_FANOUT_STACK, {
  doc: "Recursive fan-out: a worker service that processes one node per message and posts its children to the same queue, a run table in DynamoDB, a Lambda that publishes backlog per task every minute, target tracking on it.",
  definitions: {
    name: nameSetting(RECURSIVE_FANOUT_STACK, "recursive-fanout"),
    maxParallelNodes: def({
      key: "maxParallelNodes",
      env: env("maxParallelNodes"),
      doc: "Most worker tasks (each processes one node at a time): the scaling target's max capacity. The min is 1 (backlog ÷ 0 tasks is undefined).",
      allowed: "an integer from 1 to 5000",
      default: 50,
      parse: integer(1, 5000),
    }),
    targetBacklogPerTask: def({
      key: "targetBacklogPerTask",
      env: env("targetBacklogPerTask"),
      doc: "Target value of the target-tracking policy: acceptable wait ÷ mean node time (60 s ÷ 2 s = 30).",
      allowed: "a number greater than 0 and at most 100000",
      default: 30,
      parse: decimal(0, 100_000, true),
    }),
    scaleOutCooldownSeconds: secondsSetting(
      RECURSIVE_FANOUT_STACK,
      "scaleOutCooldownSeconds",
      60,
      0,
      3600,
      "Scale-out cooldown: about a task's start time, so an exponentially growing backlog gets capacity quickly (Application Auto Scaling's default of 300 s lags a fan-out).",
    ),
    scaleInCooldownSeconds: secondsSetting(RECURSIVE_FANOUT_STACK, "scaleInCooldownSeconds", 300, 0, 3600, "Scale-in cooldown of the target-tracking policy."),
    publisherSchedule: def({
      key: "publisherSchedule",
      env: env("publisherSchedule"),
      doc: "EventBridge schedule of the backlog-per-task publisher (1,440 invocations a day at the default, also while idle).",
      allowed: SCHEDULE_ALLOWED,
      default: "rate(1 minute)",
      parse: scheduleExpression(),
    }),
    countInFlight: def({
      key: "countInFlight",
      env: env("countInFlight"),
      doc: "Count in-flight messages in the backlog (nodes being processed post children next); false gives the source's visible-only backlog.",
      allowed: "true or false",
      default: true,
      parse: boolean(),
    }),
    missingDataMinutes: def({
      key: "missingDataMinutes",
      env: env("missingDataMinutes"),
      doc: "Minutes without a BacklogPerTask datapoint before its alarm goes off.",
      allowed: "an integer from 1 to 60",
      default: 5,
      parse: integer(1, 60),
    }),
    visibilityTimeoutSeconds: def({
      key: "visibilityTimeoutSeconds",
      env: env("visibilityTimeoutSeconds"),
      doc: "Visibility timeout of the node queue, also the lease that keeps a duplicate delivery away from a node being processed; the worker extends the visibility of long nodes.",
      allowed: "an integer from 30 to 43200, greater than nodeTimeMaxSeconds",
      default: 300,
      parse: integer(30, 43_200),
    }),
    dlqMaxReceiveCount: {
      ...dlqMaxReceiveCountSetting(RECURSIVE_FANOUT_STACK, 5),
      doc: "Receives of a node message before SQS moves it to the DLQ (the node then counts as failed; an alarm goes off when the DLQ holds a message).",
    },
    maxDepth: def({
      key: "maxDepth",
      env: env("maxDepth"),
      doc: "Deepest level whose children are still posted; deeper ones are counted as pruned (a guard against runaway paths).",
      allowed: "an integer from 0 to 10000",
      default: 50,
      parse: integer(0, 10_000),
    }),
    treeBranching: def({
      key: "treeBranching",
      env: env("treeBranching"),
      doc: "Demo workload: children per inner node of the synthetic tree.",
      allowed: "an integer from 1 to 100 (with treeDepth at most 10,000,000 nodes)",
      default: 4,
      parse: integer(1, 100),
    }),
    treeDepth: def({
      key: "treeDepth",
      env: env("treeDepth"),
      doc: "Demo workload: levels below the root (the default 4-ary tree of depth 5 has 1,365 nodes).",
      allowed: "an integer from 0 to 30",
      default: 5,
      parse: integer(0, 30),
    }),
    treeExtraEdgeRate: def({
      key: "treeExtraEdgeRate",
      env: env("treeExtraEdgeRate"),
      doc: "Demo workload: share of nodes with each kind of extra edge (back edge to the parent, cross edge, repeated child).",
      allowed: "a number from 0 to 1",
      default: 0.05,
      parse: decimal(0, 1),
    }),
    nodeTimeMinSeconds: def({
      key: "nodeTimeMinSeconds",
      env: env("nodeTimeMinSeconds"),
      doc: "Demo workload: shortest processing time of a node (times are uniform between min and max).",
      allowed: "a number from 0 to 3600, at most nodeTimeMaxSeconds",
      default: 1,
      parse: decimal(0, 3600),
    }),
    nodeTimeMaxSeconds: def({
      key: "nodeTimeMaxSeconds",
      env: env("nodeTimeMaxSeconds"),
      doc: "Demo workload: longest processing time of a node.",
      allowed: "a number from 0 to 3600, at least nodeTimeMinSeconds",
      default: 3,
      parse: decimal(0, 3600),
    }),
    runTtlDays: def({
      key: "runTtlDays",
      env: env("runTtlDays"),
      doc: "Days a run's records stay in the table before DynamoDB's TTL deletes them.",
      allowed: "an integer from 1 to 365",
      default: 7,
      parse: integer(1, 365),
    }),
    metricNamespace: {
      ...metricNamespaceSetting(RECURSIVE_FANOUT_STACK, "RecursiveFanout"),
      doc: "CloudWatch namespace of BacklogPerTask and of the worker's processing-time metric; IAM allows PutMetricData only into it.",
    },
    cpu: cpuSetting(RECURSIVE_FANOUT_STACK, 256, "a worker task"),
    memory: memorySetting(RECURSIVE_FANOUT_STACK, 512, "a worker task"),
    buildWorkerImage: buildWorkerImageSetting(RECURSIVE_FANOUT_STACK),
  },
  crossChecks: [
    fargateSizeCheck,
    {
      doc: "the synthetic tree (treeBranching, treeDepth, treeExtraEdgeRate, node times) is valid",
      check: (s, describe) => {
        const problems = treeShapeProblems(treeShapeOf(s, 1));
        return problems.length === 0 ? undefined : `${describe("treeBranching")}, ${describe("treeDepth")}: ${problems.join("; ")}.`;
      },
    },
    {
      doc: "nodeTimeMaxSeconds < visibilityTimeoutSeconds (the lease must outlast a node)",
      check: (s, describe) =>
        s.nodeTimeMaxSeconds < s.visibilityTimeoutSeconds
          ? undefined
          : `${describe("nodeTimeMaxSeconds")} is not less than ${describe("visibilityTimeoutSeconds")}; a node's lease would expire while it is processed.`,
    },
  ],
});

export type SqsRecursiveFanoutSettings = ValuesOf<typeof RECURSIVE_FANOUT_SETTINGS.definitions>;

/** The synthetic tree these settings describe (the workers' TREE_* environment; the simulator's tree workload). */
export function treeShapeOf(
  s: { treeBranching: number; treeDepth: number; treeExtraEdgeRate: number; nodeTimeMinSeconds: number; nodeTimeMaxSeconds: number },
  seed: number,
): TreeShape {
  return {
    branching: s.treeBranching,
    depth: s.treeDepth,
    extraEdgeRate: s.treeExtraEdgeRate,
    seed,
    nodeTimeMinSeconds: s.nodeTimeMinSeconds,
    nodeTimeMaxSeconds: s.nodeTimeMaxSeconds,
  };
}
