import { loadSettings } from "../../../src/settings";
import { settingsProblems } from "../../helpers";

const DTT = "sqs-dynamic-target-tracking";

describe("loadSettings: keys and variables that are no setting", () => {
  it.each([
    [
      "a typo'd top-level key: the closest setting, its stack, and how to set it there",
      { context: { desiredLatencySecond: 30 } },
      `cdktf.json context "desiredLatencySecond" is not a setting; did you mean desiredLatencySeconds, a setting of stack ${DTT}? Set it as "${DTT}": {"desiredLatencySeconds": 30}.`,
    ],
    [
      "a typo'd QS_ variable in the flat form",
      { env: { QS_DESIRED_LATENCY_SECOND: "30" } },
      `env QS_DESIRED_LATENCY_SECOND is not a setting; did you mean desiredLatencySeconds, a setting of stack ${DTT}? Set it as QS_SQS_DYNAMIC_TARGET_TRACKING__DESIRED_LATENCY_SECONDS=30.`,
    ],
    [
      "a typo inside a stack's object (letter case)",
      { context: { "core-infra": { azcount: 2 } } },
      'cdktf.json context "core-infra"."azcount" is not a setting of stack core-infra; did you mean "azCount"?',
    ],
    [
      "a typo'd stack variable",
      { env: { QS_CORE_INFRA__AZ_CUONT: "2" } },
      "env QS_CORE_INFRA__AZ_CUONT is not a setting of stack core-infra; did you mean QS_CORE_INFRA__AZ_COUNT?",
    ],
    [
      "a global key spelt as its variable",
      { context: { tags: { Team: "x" } } },
      'cdktf.json context "tags" is not a setting; did you mean "extraTags"?',
    ],
    [
      "a typo'd stack name in the context",
      { context: { "core-infr": { azCount: 2 } } },
      'cdktf.json context "core-infr" is not a setting; did you mean "core-infra", the object of stack core-infra\'s settings?',
    ],
    [
      "a typo'd stack prefix",
      { env: { QS_SQS_DYNAMIC_TARGET_TRAKING__MAX_CAPACITY: "2" } },
      "env QS_SQS_DYNAMIC_TARGET_TRAKING__MAX_CAPACITY is not a setting; did you mean QS_SQS_DYNAMIC_TARGET_TRACKING__MAX_CAPACITY?",
    ],
  ])("%s", (_kind, source, expected) => {
    expect(settingsProblems(source)).toEqual([expected]);
  });

  it.each([
    [
      "a stack's key at the top level",
      { context: { azCount: 2 } },
      'cdktf.json context "azCount" is not a setting: azCount is a setting of stack core-infra; set it as "core-infra": {"azCount": 2}.',
    ],
    [
      "a stack's key in another stack's object",
      { context: { [DTT]: { azCount: 2 } } },
      `cdktf.json context "${DTT}"."azCount" is not a setting of stack ${DTT}: azCount is a setting of stack core-infra; set it as "core-infra": {"azCount": 2}.`,
    ],
    [
      "a global key in a stack's object",
      { context: { "core-infra": { region: "eu-west-1" } } },
      'cdktf.json context "core-infra"."region" is not a setting of stack core-infra: region is a global setting; set it as "region": "eu-west-1" at the top level of the context.',
    ],
    [
      "a stack's variable in the flat form of earlier versions",
      { env: { QS_AZ_COUNT: "2" } },
      "env QS_AZ_COUNT is not a setting: azCount is a setting of stack core-infra; set it as QS_CORE_INFRA__AZ_COUNT=2.",
    ],
    [
      "a stack's variable with another stack's prefix",
      { env: { QS_SQS_DYNAMIC_TARGET_TRACKING__AZ_COUNT: "2" } },
      `env QS_SQS_DYNAMIC_TARGET_TRACKING__AZ_COUNT is not a setting of stack ${DTT}: azCount is a setting of stack core-infra; set it as QS_CORE_INFRA__AZ_COUNT=2.`,
    ],
    [
      "a global variable with a stack's prefix",
      { env: { QS_CORE_INFRA__REGION: "eu-west-1" } },
      "env QS_CORE_INFRA__REGION is not a setting of stack core-infra: region is a global setting; set it as QS_REGION=eu-west-1.",
    ],
  ])("names the group of %s and how to set it there", (_kind, source, expected) => {
    expect(settingsProblems(source)).toEqual([expected]);
  });

  it("lists what is allowed when nothing is close, also for names that exist on every object (constructor)", () => {
    expect(settingsProblems({ context: { fooBar: 1, constructor: 1, "core-infra": { toString: 1 } }, env: { QS_FOO: "1", QS_CORE_INFRA__FOO: "1", QS_NOPE__X: "1" } })).toEqual([
      'cdktf.json context "fooBar" is not a setting; allowed: the global settings (region, coreInfraName, githubRepoTag, extraTags, stateBucket, stateKeyPrefix, stateRegion) and one object per stack ("core-infra", "sqs-dynamic-target-tracking", "sqs-queue-depth-tracking", "sqs-scale-to-zero", "sqs-task-per-message", "sqs-recursive-fanout").',
      expect.stringMatching(/^cdktf\.json context "constructor" is not a setting; allowed: the global settings/),
      'cdktf.json context "core-infra"."toString" is not a setting of stack core-infra; allowed: azCount, vpcCidr.',
      "env QS_CORE_INFRA__FOO is not a setting of stack core-infra; allowed: QS_CORE_INFRA__AZ_COUNT, QS_CORE_INFRA__VPC_CIDR.",
      "env QS_FOO is not a setting; allowed: QS_REGION, QS_CORE_INFRA_NAME, QS_GITHUB_REPO_TAG, QS_TAGS, QS_STATE_BUCKET, QS_STATE_KEY_PREFIX, QS_STATE_REGION; for a stack's setting QS_<STACK>__<NAME> (QS_CORE_INFRA__, QS_SQS_DYNAMIC_TARGET_TRACKING__, QS_SQS_QUEUE_DEPTH_TRACKING__, QS_SQS_SCALE_TO_ZERO__, QS_SQS_TASK_PER_MESSAGE__, QS_SQS_RECURSIVE_FANOUT__).",
      "env QS_NOPE__X is not a setting: no stack has the prefix QS_NOPE__; allowed: QS_<NAME> for a global setting, QS_CORE_INFRA__<NAME>, QS_SQS_DYNAMIC_TARGET_TRACKING__<NAME>, QS_SQS_QUEUE_DEPTH_TRACKING__<NAME>, QS_SQS_SCALE_TO_ZERO__<NAME>, QS_SQS_TASK_PER_MESSAGE__<NAME>, QS_SQS_RECURSIVE_FANOUT__<NAME> for a stack's.",
    ]);
  });

  it("refuses a stack's entry that is not an object", () => {
    expect(settingsProblems({ context: { "core-infra": 2 } })).toEqual([
      'cdktf.json context "core-infra" is 2; allowed: an object of settings of stack core-infra, as docs/settings.md lists them.',
    ]);
  });

  it("leaves variables without the QS_ prefix alone", () => {
    expect(() => loadSettings({ env: { PATH: "/bin", QSX_REGION: "x", AWS_REGION: "eu-west-1" } })).not.toThrow();
  });
});

describe("loadSettings: where a bad value came from", () => {
  const AZ = "allowed: an integer from 1 to 3.";
  it.each([
    ["cdktf.json's context", { context: { "core-infra": { azCount: "three" } } }, `azCount (cdktf.json context "core-infra"."azCount") is "three"; ${AZ}`],
    ["CDKTF_CONTEXT_JSON", { context: { "core-infra": { azCount: "three" } }, contextOrigin: "CDKTF_CONTEXT_JSON" }, `azCount (CDKTF_CONTEXT_JSON "core-infra"."azCount") is "three"; ${AZ}`],
    ["the environment", { env: { QS_CORE_INFRA__AZ_COUNT: "three" } }, `azCount (env QS_CORE_INFRA__AZ_COUNT) is "three"; ${AZ}`],
    ["the environment, which won over the context", { context: { "core-infra": { azCount: 2 } }, env: { QS_CORE_INFRA__AZ_COUNT: "three" } }, `azCount (env QS_CORE_INFRA__AZ_COUNT) is "three"; ${AZ}`],
    ["a global key of the context", { context: { region: "mars" } }, 'region (cdktf.json context "region") is "mars"; allowed: an AWS region code such as us-west-2.'],
  ])("names %s", (_kind, source, expected) => {
    expect(settingsProblems(source)).toEqual([expected]);
  });

  it("names both settings of a cross-check, each with its value and source", () => {
    expect(settingsProblems({ context: { [DTT]: { minCapacity: 5 } }, env: { QS_SQS_DYNAMIC_TARGET_TRACKING__MAX_CAPACITY: "3" } })).toEqual([
      `minCapacity = 5 (cdktf.json context "${DTT}"."minCapacity") is greater than maxCapacity = 3 (env QS_SQS_DYNAMIC_TARGET_TRACKING__MAX_CAPACITY); allowed: minCapacity <= maxCapacity.`,
    ]);
  });

  it("runs a group's cross-checks only on values that parsed, and reports the other groups' problems as well", () => {
    expect(settingsProblems({ context: { [DTT]: { minCapacity: 5, maxCapacity: "x" } }, env: { QS_CORE_INFRA__AZ_COUNT: "0" } })).toEqual([
      'azCount (env QS_CORE_INFRA__AZ_COUNT) is "0"; allowed: an integer from 1 to 3.',
      `maxCapacity (cdktf.json context "${DTT}"."maxCapacity") is "x"; allowed: an integer from 1 to 5000 (ECS tasks per service), at least minCapacity.`,
    ]);
  });

  it("reports unknown keys together with bad values, in one error", () => {
    expect(settingsProblems({ context: { azCount: 2, region: "mars" } })).toHaveLength(2);
  });

  it("treats null in the context as the default", () => {
    expect(loadSettings({ context: { region: null, "core-infra": { azCount: null } } }).stacks["core-infra"]).toMatchObject({ region: "us-west-2", azCount: 3 });
  });
});
