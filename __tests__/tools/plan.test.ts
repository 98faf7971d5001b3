import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runTerraform } from "../../tools/plan";

/**
 * `npm run plan` against a fake `terraform` executable put first on PATH in a temp dir: a shell script that logs
 * each call (folder and arguments) and behaves as the test asks (version printed, init failing like an offline
 * machine, or succeeding). The app is synthesized once; the tests on terraform's answers reuse it (`synth: false`).
 */
let root: string;
let synthesized: string;
let dir: string;
let callLog: string;

function fakeTerraform(options: { version: string; init: "offline" | "ok" | "broken" }): NodeJS.ProcessEnv {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const initBody = {
    offline: `echo 'Error: Failed to query available provider packages' >&2; echo 'could not connect to registry.terraform.io: no such host' >&2; exit 1`,
    ok: `echo 'Terraform has been successfully initialized!'`,
    broken: `echo 'Error: Unsupported block type' >&2; exit 1`,
  }[options.init];
  fs.writeFileSync(
    path.join(bin, "terraform"),
    [
      "#!/bin/sh",
      `echo "$(basename "$PWD") $*" >> "${callLog}"`,
      `case "$1" in`,
      `  version) echo '{"terraform_version": "${options.version}"}' ;;`,
      `  init) ${initBody} ;;`,
      `  plan) exit 2 ;;`, // like plan -detailed-exitcode with changes: the code must come back unchanged
      `esac`,
    ].join("\n"),
    { mode: 0o755 },
  );
  // The fake terraform and the shell's basics only: a real terraform cannot be found.
  return { PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin`, HOME: dir };
}

const calls = () => (fs.existsSync(callLog) ? fs.readFileSync(callLog, "utf8").trim().split("\n") : []);
const quiet = { echo: () => undefined };
const newCase = () => {
  dir = fs.mkdtempSync(path.join(root, "case-"));
  callLog = path.join(dir, "calls.log");
};

// The one full run (synth included) happens here; the other cases reuse its output with `synth: false`.
let fullRun: { code: number; calls: string[] };
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qs-plan-"));
  synthesized = path.join(root, "cdktf.out");
  newCase();
  const env = fakeTerraform({ version: "1.11.4", init: "ok" });
  const code = await runTerraform("plan", ["core-infra", "-var", "x=1"], { env, outdir: synthesized, log: () => undefined, ...quiet });
  fullRun = { code, calls: calls() };
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeEach(newCase);

test("with working init it synthesizes, plans in the stack folder with extra arguments, returns terraform's code", () => {
  expect(fullRun.code).toBe(2);
  expect(fs.existsSync(path.join(synthesized, "stacks", "core-infra", "cdk.tf.json"))).toBe(true);
  expect(fullRun.calls).toEqual([expect.stringMatching(/ version -json$/), "core-infra init -input=false", "core-infra plan -input=false -var x=1"]);
});

test("without terraform on PATH it says so in one message, exits 1 and synthesizes nothing", async () => {
  const lines: string[] = [];
  const outdir = path.join(dir, "cdktf.out");
  const code = await runTerraform("plan", ["core-infra"], { env: { PATH: path.join(dir, "empty") }, outdir, log: (l) => lines.push(l) });
  expect(code).toBe(1);
  expect(lines).toEqual([expect.stringMatching(/^terraform is not installed: no "terraform" on PATH\. Install Terraform 1\.11\.4 .*npm run validate/)]);
  expect(fs.existsSync(outdir)).toBe(false);
});

test("when init cannot download providers it explains that, warns about a version mismatch and does not plan", async () => {
  const lines: string[] = [];
  const env = fakeTerraform({ version: "1.9.0", init: "offline" });
  const code = await runTerraform("plan", ["core-infra"], { env, outdir: synthesized, synth: false, log: (l) => lines.push(l), ...quiet });
  expect(code).toBe(1);
  expect(lines[0]).toBe("warning: terraform 1.9.0 is installed but .terraform-version asks for 1.11.4; results may differ.");
  expect(lines.at(-1)).toMatch(/^terraform init could not download the providers .*"npm run validate" checks the stacks offline\.$/);
  expect(calls()).toEqual([expect.stringMatching(/ version -json$/), "core-infra init -input=false"]);
});

test("another init failure is reported as such", async () => {
  const lines: string[] = [];
  const env = fakeTerraform({ version: "1.11.4", init: "broken" });
  const code = await runTerraform("plan", ["core-infra"], { env, outdir: synthesized, synth: false, log: (l) => lines.push(l), ...quiet });
  expect(code).toBe(1);
  expect(lines.at(-1)).toMatch(/^terraform init failed \(exit 1\) in .*core-infra; see its output above\.$/);
  expect(lines.some((l) => l.startsWith("warning:"))).toBe(false); // versions match
});

test("an unknown stack is named with the list of stacks, before terraform runs", async () => {
  const lines: string[] = [];
  const env = fakeTerraform({ version: "1.11.4", init: "ok" });
  const code = await runTerraform("plan", ["core-infraa"], { env, outdir: synthesized, synth: false, log: (l) => lines.push(l) });
  expect(code).toBe(1);
  expect(lines.at(-1)).toMatch(/^unknown stack "core-infraa"; stacks: core-infra/);
  expect(calls()).toEqual([expect.stringMatching(/ version -json$/)]);
});
