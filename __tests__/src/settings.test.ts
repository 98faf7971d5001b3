import { cdktfContextFromEnv, cidrSubnet, loadSettings, SettingsError } from "../../src/settings";

/** The error `loadSettings` throws for these sources; fails the test if it does not throw. */
function settingsError(context: Record<string, unknown>, env: Record<string, string> = {}): SettingsError {
  try {
    loadSettings({ context, env });
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error(`expected a SettingsError for ${JSON.stringify({ context, env })}`);
}

describe("loadSettings", () => {
  it("gives the blueprint's defaults when nothing is set", () => {
    expect(loadSettings()).toMatchObject({
      region: "us-west-2",
      coreInfraName: "core-infra",
      azCount: 3,
      vpcCidr: "10.0.0.0/16",
      githubRepoTag: "github.com/aws-ia/ecs-blueprints",
      extraTags: {},
      stateBucket: undefined,
      stateKeyPrefix: "queue-scaling",
      stateRegion: undefined,
    });
  });

  it("reads the cdktf context and lets the environment win over it", () => {
    const settings = loadSettings({
      context: { region: "eu-central-1", azCount: 2, extraTags: { Team: "platform" } },
      env: { QS_REGION: "eu-west-1", QS_TAGS: '{"CostCenter":"42"}' },
    });
    expect(settings).toMatchObject({ region: "eu-west-1", azCount: 2, extraTags: { CostCenter: "42" } });
  });

  it("treats an empty optional value as unset", () => {
    expect(loadSettings({ env: { QS_STATE_BUCKET: "" } }).stateBucket).toBeUndefined();
  });

  it("returns a frozen object", () => {
    expect(Object.isFrozen(loadSettings())).toBe(true);
  });

  // One case per kind of bad input: the message names the setting, its variable, the value and what is allowed.
  it.each([
    ["a region that is no region code", { region: "oregon" }, 'region (env QS_REGION) is "oregon"; allowed: an AWS region code such as us-west-2.'],
    ["a name with upper-case letters", { coreInfraName: "Core" }, 'coreInfraName (env QS_CORE_INFRA_NAME) is "Core"; allowed: 2-20 characters'],
    ["a name that is too long", { coreInfraName: "a".repeat(21) }, `coreInfraName (env QS_CORE_INFRA_NAME) is "${"a".repeat(21)}"`],
    ["an AZ count above 3", { azCount: 4 }, "azCount (env QS_AZ_COUNT) is 4; allowed: an integer from 1 to 3."],
    ["an AZ count that is not an integer", { azCount: "2.5" }, 'azCount (env QS_AZ_COUNT) is "2.5"; allowed: an integer from 1 to 3.'],
    ["a CIDR that does not parse", { vpcCidr: "10.0.0/16" }, 'vpcCidr (env QS_VPC_CIDR) is "10.0.0/16"; allowed: an IPv4 network with prefix /16 to /20'],
    ["a CIDR too small for subnet k+10", { vpcCidr: "10.0.0.0/24" }, 'vpcCidr (env QS_VPC_CIDR) is "10.0.0.0/24"'],
    ["a CIDR with host bits set", { vpcCidr: "10.0.1.0/16" }, 'vpcCidr (env QS_VPC_CIDR) is "10.0.1.0/16"'],
    ["tags that are not a JSON object", { extraTags: "[1,2]" }, 'extraTags (env QS_TAGS) is "[1,2]"; allowed: a JSON object of string values'],
    ["a tag with the reserved aws: prefix", { extraTags: { "aws:owner": "me" } }, 'extraTags (env QS_TAGS) is {"aws:owner":"me"}'],
    ["a state bucket name S3 refuses", { stateBucket: "My_Bucket" }, 'stateBucket (env QS_STATE_BUCKET) is "My_Bucket"; allowed: empty, or a valid S3 bucket name'],
    ["a state key prefix with a leading slash", { stateKeyPrefix: "/state" }, 'stateKeyPrefix (env QS_STATE_KEY_PREFIX) is "/state"'],
    ["a state region that is no region code", { stateRegion: "EU" }, 'stateRegion (env QS_STATE_REGION) is "EU"'],
  ])("rejects %s", (_kind, context, expected) => {
    const error = settingsError(context);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(expected);
    expect(error.message).toContain(expected);
  });

  it("names the environment variable's value when the bad value came from the environment", () => {
    expect(settingsError({}, { QS_AZ_COUNT: "zero" }).problems).toEqual([
      'azCount (env QS_AZ_COUNT) is "zero"; allowed: an integer from 1 to 3.',
    ]);
  });

  it("reports every bad setting at once, one line each", () => {
    const error = settingsError({ region: "x", azCount: 9 });
    expect(error.problems).toHaveLength(2);
    expect(error.message.split("\n")).toEqual([
      "Invalid settings:",
      expect.stringContaining("region (env QS_REGION)"),
      expect.stringContaining("azCount (env QS_AZ_COUNT)"),
    ]);
  });
});

describe("cdktfContextFromEnv", () => {
  it("parses the context the cdktf CLI passes", () => {
    expect(cdktfContextFromEnv({ CDKTF_CONTEXT_JSON: '{"region":"eu-west-1"}' })).toEqual({ region: "eu-west-1" });
    expect(cdktfContextFromEnv({})).toEqual({});
  });

  it("fails clearly on context that is not JSON", () => {
    expect(() => cdktfContextFromEnv({ CDKTF_CONTEXT_JSON: "{region" })).toThrow(/CDKTF_CONTEXT_JSON is not valid JSON/);
  });
});

describe("cidrSubnet", () => {
  it.each([
    ["10.0.0.0/16", 8, 0, "10.0.0.0/24"],
    ["10.0.0.0/16", 8, 12, "10.0.12.0/24"],
    ["172.20.0.0/20", 4, 11, "172.20.11.0/24"],
    ["192.168.0.0/16", 8, 255, "192.168.255.0/24"],
  ])("cidrsubnet(%s, %i, %i) = %s, as Terraform computes it", (cidr, bits, index, expected) => {
    expect(cidrSubnet(cidr, bits, index)).toBe(expected);
  });

  it("refuses an index that does not fit", () => {
    expect(() => cidrSubnet("10.0.0.0/20", 4, 16)).toThrow(RangeError);
  });
});
