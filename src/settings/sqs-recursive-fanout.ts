import { treeShapeProblems } from "../../app-code/recursive-fanout/synthetic-tree";
import { def, stackSettings, ValuesOf } from "./group";
import { boolean, decimal, integer, pattern, RESOURCE_NAME, SCHEDULE_ALLOWED, scheduleExpression } from "./parsers";

const ENV = "QS_SQS_RECURSIVE_FANOUT__";

/** Settings of the stack sqs-recursive-fanout: workers that post child nodes, scaled on backlog per task. */
export const SQS_RECURSIVE_FANOUT_SETTINGS = stackSettings("sqs-recursive-fanout", {
  doc: "Recursive fan-out: a worker service that processes one node per message and posts its children to the same queue, a run table in DynamoDB, a Lambda that publishes backlog per task every minute, target tracking on it.",
  definitions: {
    appName: def({
      key: "appName",
      env: `${ENV}APP_NAME`,
      doc: "Prefix of every name: queue `<appName>-nodes` and its DLQ, table `<appName>-runs`, service `<appName>-worker`, Lambda `<appName>-publisher`, ECR repository.",
      allowed: "2-24 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
      default: "recursive-fanout",
      parse: pattern(RESOURCE_NAME, 24),
    }),
    maxParallelNodes: def({
      key: "maxParallelNodes",
      env: `${ENV}MAX_PARALLEL_NODES`,
      doc: "Most worker tasks (each processes one node at a time): the scaling target's max capacity. The min is 1 (backlog ÷ 0 tasks is undefined).",
      allowed: "an integer from 1 to 5000",
      default: 50,
      parse: integer(1, 5000),
    }),
    targetBacklogPerTask: def({
      key: "targetBacklogPerTask",
      env: `${ENV}TARGET_BACKLOG_PER_TASK`,
      doc: "Target value of the target-tracking policy: acceptable wait ÷ mean node time (60 s ÷ 2 s = 30).",
      allowed: "a number greater than 0 and at most 100000",
      default: 30,
      parse: decimal(0, 100_000, true),
    }),
    scaleOutCooldownSeconds: def({
      key: "scaleOutCooldownSeconds",
      env: `${ENV}SCALE_OUT_COOLDOWN_SECONDS`,
      doc: "Scale-out cooldown: about a task's start time, so an exponentially growing backlog gets capacity quickly (the ECS default of 300 s lags a fan-out).",
      allowed: "an integer from 0 to 3600",
      default: 60,
      parse: integer(0, 3600),
    }),
    scaleInCooldownSeconds: def({
      key: "scaleInCooldownSeconds",
      env: `${ENV}SCALE_IN_COOLDOWN_SECONDS`,
      doc: "Scale-in cooldown of the target-tracking policy.",
      allowed: "an integer from 0 to 3600",
      default: 300,
      parse: integer(0, 3600),
    }),
    publisherSchedule: def({
      key: "publisherSchedule",
      env: `${ENV}PUBLISHER_SCHEDULE`,
      doc: "EventBridge schedule of the backlog-per-task publisher (1,440 invocations a day at the default, also while idle).",
      allowed: SCHEDULE_ALLOWED,
      default: "rate(1 minute)",
      parse: scheduleExpression(),
    }),
    countInFlight: def({
      key: "countInFlight",
      env: `${ENV}COUNT_IN_FLIGHT`,
      doc: "Count in-flight messages in the backlog (nodes being processed post children next); false gives the source's visible-only backlog.",
      allowed: "true or false",
      default: true,
      parse: boolean(),
    }),
    missingDataMinutes: def({
      key: "missingDataMinutes",
      env: `${ENV}MISSING_DATA_MINUTES`,
      doc: "Minutes without a BacklogPerTask datapoint before its alarm goes off.",
      allowed: "an integer from 1 to 60",
      default: 5,
      parse: integer(1, 60),
    }),
    visibilityTimeoutSeconds: def({
      key: "visibilityTimeoutSeconds",
      env: `${ENV}VISIBILITY_TIMEOUT_SECONDS`,
      doc: "Visibility timeout of the node queue, also the lease that keeps a duplicate delivery away from a node being processed; the worker extends the visibility of long nodes.",
      allowed: "an integer from 30 to 43200, greater than nodeTimeMaxSeconds",
      default: 300,
      parse: integer(30, 43_200),
    }),
    maxReceiveCount: def({
      key: "maxReceiveCount",
      env: `${ENV}MAX_RECEIVE_COUNT`,
      doc: "Receives of a node message before SQS moves it to the DLQ (the node then counts as failed).",
      allowed: "an integer from 1 to 1000",
      default: 5,
      parse: integer(1, 1000),
    }),
    maxDepth: def({
      key: "maxDepth",
      env: `${ENV}MAX_DEPTH`,
      doc: "Deepest level whose children are still posted; deeper ones are counted as pruned (a guard against runaway paths).",
      allowed: "an integer from 0 to 10000",
      default: 50,
      parse: integer(0, 10_000),
    }),
    treeBranching: def({
      key: "treeBranching",
      env: `${ENV}TREE_BRANCHING`,
      doc: "Demo workload: children per inner node of the synthetic tree.",
      allowed: "an integer from 1 to 100 (with treeDepth at most 10,000,000 nodes)",
      default: 4,
      parse: integer(1, 100),
    }),
    treeDepth: def({
      key: "treeDepth",
      env: `${ENV}TREE_DEPTH`,
      doc: "Demo workload: levels below the root (the default 4-ary tree of depth 5 has 1,365 nodes).",
      allowed: "an integer from 0 to 30",
      default: 5,
      parse: integer(0, 30),
    }),
    treeExtraEdgeRate: def({
      key: "treeExtraEdgeRate",
      env: `${ENV}TREE_EXTRA_EDGE_RATE`,
      doc: "Demo workload: share of nodes with each kind of extra edge (back edge to the parent, cross edge, repeated child).",
      allowed: "a number from 0 to 1",
      default: 0.05,
      parse: decimal(0, 1),
    }),
    nodeTimeMinSeconds: def({
      key: "nodeTimeMinSeconds",
      env: `${ENV}NODE_TIME_MIN_SECONDS`,
      doc: "Demo workload: shortest processing time of a node (times are uniform between min and max).",
      allowed: "a number from 0 to 3600, at most nodeTimeMaxSeconds",
      default: 1,
      parse: decimal(0, 3600),
    }),
    nodeTimeMaxSeconds: def({
      key: "nodeTimeMaxSeconds",
      env: `${ENV}NODE_TIME_MAX_SECONDS`,
      doc: "Demo workload: longest processing time of a node.",
      allowed: "a number from 0 to 3600, at least nodeTimeMinSeconds",
      default: 3,
      parse: decimal(0, 3600),
    }),
    runTtlDays: def({
      key: "runTtlDays",
      env: `${ENV}RUN_TTL_DAYS`,
      doc: "Days a run's records stay in the table before DynamoDB's TTL deletes them.",
      allowed: "an integer from 1 to 365",
      default: 7,
      parse: integer(1, 365),
    }),
    metricNamespace: def({
      key: "metricNamespace",
      env: `${ENV}METRIC_NAMESPACE`,
      doc: "CloudWatch namespace of BacklogPerTask and of the worker's duration metric; IAM allows PutMetricData only into it.",
      allowed: "1-255 characters: letters, digits, and . - _ / # :, not starting with AWS/",
      default: "RecursiveFanout",
      parse: pattern(/^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/),
    }),
    buildWorkerImage: def({
      key: "buildWorkerImage",
      env: `${ENV}BUILD_WORKER_IMAGE`,
      doc: "Build the worker image from `app-code/` and push it to ECR during deploy. Needs a Docker engine at apply.",
      allowed: "true or false",
      default: true,
      parse: boolean(),
    }),
  },
  crossChecks: [
    {
      doc: "the synthetic tree (treeBranching, treeDepth, treeExtraEdgeRate, node times) is valid",
      check: (s, describe) => {
        const problems = treeShapeProblems({
          branching: s.treeBranching,
          depth: s.treeDepth,
          extraEdgeRate: s.treeExtraEdgeRate,
          seed: 1,
          nodeTimeMinSeconds: s.nodeTimeMinSeconds,
          nodeTimeMaxSeconds: s.nodeTimeMaxSeconds,
        });
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

export type SqsRecursiveFanoutSettings = ValuesOf<typeof SQS_RECURSIVE_FANOUT_SETTINGS.definitions>;
