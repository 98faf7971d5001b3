import { loadSettings } from "../../../src/settings";
import { settingsProblemOf, settingsProblems, testSettings } from "../../helpers";

const STACK = "sqs-recursive-fanout" as const;
const problemOf = (own: Record<string, unknown>) => settingsProblemOf(STACK, own);

describe("settings of sqs-recursive-fanout", () => {
  it("default to 1..50 tasks on backlog per task 30 (in flight counted), a 4-ary tree of depth 5 with 1-3 s nodes", () => {
    expect(loadSettings().stacks[STACK]).toMatchObject({
      name: "recursive-fanout",
      maxParallelNodes: 50,
      targetBacklogPerTask: 30,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 300,
      publisherSchedule: "rate(1 minute)",
      countInFlight: true,
      missingDataMinutes: 5,
      visibilityTimeoutSeconds: 300,
      dlqMaxReceiveCount: 5,
      maxDepth: 50,
      treeBranching: 4,
      treeDepth: 5,
      treeExtraEdgeRate: 0.05,
      nodeTimeMinSeconds: 1,
      nodeTimeMaxSeconds: 3,
      runTtlDays: 7,
      metricNamespace: "RecursiveFanout",
      cpu: 256,
      memory: 512,
    });
  });

  it.each([
    ["a tree over 10 million nodes", { treeBranching: 10, treeDepth: 8 }, "branching=10 with depth=8 gives more than 10000000 nodes"],
    ["node times that cross", { nodeTimeMinSeconds: 5, nodeTimeMaxSeconds: 2 }, "nodeTimeMaxSeconds=2 is invalid: expected at least nodeTimeMinSeconds (5)"],
    ["a node longer than its lease", { nodeTimeMaxSeconds: 400 }, "nodeTimeMaxSeconds = 400 (cdktf.json context \"sqs-recursive-fanout\".\"nodeTimeMaxSeconds\") is not less than visibilityTimeoutSeconds = 300 (default)"],
    ["no task at the maximum", { maxParallelNodes: 0 }, "is 0; allowed: an integer from 1 to 5000"],
    ["a target of 0", { targetBacklogPerTask: 0 }, "is 0; allowed: a number greater than 0 and at most 100000"],
    ["a schedule that is not one", { publisherSchedule: "every minute" }, 'is "every minute"'],
  ])("rejects %s", (_kind, own, expected) => {
    expect(problemOf(own)).toContain(expected);
  });

  it("reads QS_SQS_RECURSIVE_FANOUT__* variables", () => {
    expect(testSettings(STACK, {}, { QS_SQS_RECURSIVE_FANOUT__COUNT_IN_FLIGHT: "false" }).countInFlight).toBe(false);
    expect(settingsProblems({ env: { QS_SQS_RECURSIVE_FANOUT__MISSING_DATA_MINUTES: "0" } })).toEqual([
      'missingDataMinutes (env QS_SQS_RECURSIVE_FANOUT__MISSING_DATA_MINUTES) is "0"; allowed: an integer from 1 to 60.',
    ]);
  });
});
