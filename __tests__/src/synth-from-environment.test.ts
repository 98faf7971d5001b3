import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthFromEnvironment } from "../../src/synth-from-environment";

describe("synthFromEnvironment (what main.ts runs)", () => {
  let project: string;
  let outdir: string;
  const writeConfig = (context: unknown) =>
    fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ app: "node --import tsx main.ts", context }));
  const run = (env: Record<string, string>) => {
    const messages: string[] = [];
    const code = synthFromEnvironment({ ...env, CDKTF_OUTDIR: outdir }, (m) => messages.push(m), project);
    return { code, message: messages.join("\n"), printed: messages.length };
  };
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "qs-main-"));
    outdir = path.join(project, "cdktf.out");
    writeConfig({});
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it.each([
    ["a bad environment variable", {}, { QS_CORE_INFRA__AZ_COUNT: "7" }, 'azCount (env QS_CORE_INFRA__AZ_COUNT) is "7"'],
    ["a bad cdktf.json context value", { "core-infra": { vpcCidr: "10.0.0.0/8" } }, {}, 'vpcCidr (cdktf.json context "core-infra"."vpcCidr") is "10.0.0.0/8"'],
    ["an unknown context key", { desiredLatencySecond: 30 }, {}, "did you mean desiredLatencySeconds, a setting of stack sqs-dynamic-target-tracking?"],
    ["an unknown QS_ variable", {}, { QS_DESIRED_LATENCY_SECOND: "30" }, "did you mean desiredLatencySeconds, a setting of stack sqs-dynamic-target-tracking? Set it as QS_SQS_DYNAMIC_TARGET_TRACKING__DESIRED_LATENCY_SECONDS=30."],
    ["context from the CLI that is not JSON", {}, { CDKTF_CONTEXT_JSON: "{" }, "CDKTF_CONTEXT_JSON is not valid JSON"],
  ])("on %s: exits 1 with one message and writes nothing", (_kind, context, env, expected) => {
    writeConfig(context);
    const { code, message, printed } = run(env);
    expect(code).toBe(1);
    expect(printed).toBe(1);
    expect(message).toContain(expected);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("synthesizes every stack when the settings are valid", () => {
    expect(run({}).code).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "core-infra", "cdk.tf.json"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks", "sqs-dynamic-target-tracking", "cdk.tf.json"))).toBe(true);
  });

  it("run directly, applies cdktf.json's context: the same output as when the cdktf CLI passes that context", () => {
    const context = { "core-infra": { azCount: 2 } };
    writeConfig(context);
    expect(run({}).code).toBe(0);
    const direct = fs.readFileSync(path.join(outdir, "stacks", "core-infra", "cdk.tf.json"), "utf8");
    expect(Object.keys(JSON.parse(direct).resource.aws_subnet).sort()).toEqual([
      "network_private_0",
      "network_private_1",
      "network_public_0",
      "network_public_1",
    ]);
    fs.rmSync(outdir, { recursive: true });
    expect(run({ CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: [] }) }).code).toBe(0);
    expect(fs.readFileSync(path.join(outdir, "stacks", "core-infra", "cdk.tf.json"), "utf8")).toBe(direct);
  });
});
