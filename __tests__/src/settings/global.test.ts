import { loadSettings } from "../../../src/settings";
import { settingsProblems } from "../../helpers";

describe("global settings", () => {
  it("give the blueprint's defaults when nothing is set", () => {
    expect(loadSettings().global).toEqual({
      region: "us-west-2",
      coreInfraName: "core-infra",
      githubRepoTag: "github.com/aws-ia/ecs-blueprints",
      extraTags: {},
      stateBucket: undefined,
      stateKeyPrefix: "queue-scaling",
      stateRegion: undefined,
    });
  });

  it("are read from the top level of the context, and the environment wins over it", () => {
    const { global } = loadSettings({
      context: { region: "eu-central-1", coreInfraName: "shared", extraTags: { Team: "platform" } },
      env: { QS_REGION: "eu-west-1", QS_TAGS: '{"CostCenter":"42"}' },
    });
    expect(global).toMatchObject({ region: "eu-west-1", coreInfraName: "shared", extraTags: { CostCenter: "42" } });
  });

  it("treat an empty optional value as unset", () => {
    expect(loadSettings({ env: { QS_STATE_BUCKET: "" } }).global.stateBucket).toBeUndefined();
  });

  it("are frozen, as is every stack's object", () => {
    const settings = loadSettings();
    expect(Object.isFrozen(settings.global)).toBe(true);
    for (const stack of Object.values(settings.stacks)) expect(Object.isFrozen(stack)).toBe(true);
  });

  // One case per kind of bad input: the message names the setting, where it came from, the value and what is allowed.
  it.each([
    ["a region that is no region code", { region: "oregon" }, 'region (cdktf.json context "region") is "oregon"; allowed: an AWS region code such as us-west-2.'],
    ["a name with upper-case letters", { coreInfraName: "Core" }, 'coreInfraName (cdktf.json context "coreInfraName") is "Core"; allowed: 2-20 characters'],
    ["a name that is too long", { coreInfraName: "a".repeat(21) }, `coreInfraName (cdktf.json context "coreInfraName") is "${"a".repeat(21)}"`],
    ["tags that are not a JSON object", { extraTags: "[1,2]" }, 'extraTags (cdktf.json context "extraTags") is "[1,2]"; allowed: a JSON object of string values'],
    ["a tag with the reserved aws: prefix", { extraTags: { "aws:owner": "me" } }, 'extraTags (cdktf.json context "extraTags") is {"aws:owner":"me"}'],
    ["a state bucket name S3 refuses", { stateBucket: "My_Bucket" }, 'stateBucket (cdktf.json context "stateBucket") is "My_Bucket"; allowed: empty, or a valid S3 bucket name'],
    ["a state key prefix with a leading slash", { stateKeyPrefix: "/state" }, 'stateKeyPrefix (cdktf.json context "stateKeyPrefix") is "/state"'],
    ["a state region that is no region code", { stateRegion: "EU" }, 'stateRegion (cdktf.json context "stateRegion") is "EU"'],
  ])("reject %s", (_kind, context, expected) => {
    const problems = settingsProblems({ context });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it("say that QS_TAGS is not valid JSON, with the parser's reason", () => {
    const [problem, ...more] = settingsProblems({ env: { QS_TAGS: "{CostCenter: 42}" } });
    expect(more).toEqual([]);
    expect(problem).toMatch(/^extraTags \(env QS_TAGS\) is "\{CostCenter: 42\}", not valid JSON \(.+\); allowed: a JSON object of string values/);
  });

  it("report every bad setting at once, one line each", () => {
    expect(settingsProblems({ context: { region: "x" }, env: { QS_STATE_REGION: "y" } })).toEqual([
      expect.stringContaining('region (cdktf.json context "region")'),
      expect.stringContaining("stateRegion (env QS_STATE_REGION)"),
    ]);
  });
});
