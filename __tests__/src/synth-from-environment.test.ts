import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthFromEnvironment } from "../../src/synth-from-environment";

describe("synthFromEnvironment (what main.ts runs)", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "qs-main-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each([
    ["a bad environment variable", { QS_AZ_COUNT: "7" }, 'azCount (env QS_AZ_COUNT) is "7"'],
    ["a bad cdktf.json context value", { CDKTF_CONTEXT_JSON: '{"vpcCidr":"10.0.0.0/8"}' }, 'vpcCidr (env QS_VPC_CIDR) is "10.0.0.0/8"'],
    ["context that is not JSON", { CDKTF_CONTEXT_JSON: "{" }, "CDKTF_CONTEXT_JSON is not valid JSON"],
  ])("on %s: exits 1 with the message and writes nothing", (_kind, env, expected) => {
    const outdir = path.join(tmp, "cdktf.out");
    const messages: string[] = [];
    const code = synthFromEnvironment({ ...env, CDKTF_OUTDIR: outdir }, (m) => messages.push(m));
    expect(code).toBe(1);
    expect(messages.join("\n")).toContain(expected);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("synthesizes every stack when the settings are valid", () => {
    const outdir = path.join(tmp, "cdktf.out");
    expect(synthFromEnvironment({ CDKTF_OUTDIR: outdir })).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "core-infra", "cdk.tf.json"))).toBe(true);
  });
});
