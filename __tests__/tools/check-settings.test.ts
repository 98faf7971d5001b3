import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const check = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join("tools", "check-settings.ts")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });

describe("the settings check that npm run synth runs before the cdktf CLI", () => {
  it("prints the problems once, on stderr, and exits 1", () => {
    const run = check({ QS_DESIRED_LATENCY_SECOND: "30" });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.match(/QS_DESIRED_LATENCY_SECOND/g)).toHaveLength(1);
    expect(run.stderr).toContain("did you mean desiredLatencySeconds");
  });

  it("prints nothing and exits 0 for valid settings", () => {
    const run = check({ QS_CORE_INFRA__AZ_COUNT: "2" });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, "", ""]);
  });

  it("runs before every npm script that starts the cdktf CLI's synth", () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const cli = Object.entries(scripts).filter(([, command]) => /\bcdktf (synth|diff|deploy|destroy)\b/.test(command));
    expect(cli.map(([name]) => name).sort()).toEqual(["deploy", "destroy", "diff", "synth"]);
    for (const [, command] of cli) expect(command).toMatch(/^node --import tsx tools\/check-settings\.ts && /);
  });
});
