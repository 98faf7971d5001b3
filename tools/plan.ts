import "../src/skip-source-maps"; // first: before the heavy modules below are loaded (as main.ts does)
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readSynthesized, synthesizeApp } from "./lib/synth";
import { SettingsError, settingsSourceFromEnv } from "../src/settings";

/**
 * `npm run plan -- <stack> [terraform args]` (and `npm run apply -- …`): synthesizes the app into cdktf.out, then
 * runs `terraform init` and `terraform plan` (or `apply`) in `cdktf.out/stacks/<stack>`, as a user would by hand.
 * Where Terraform is missing or cannot download the providers it says so in one message and exits non-zero;
 * it warns when `terraform version` differs from `.terraform-version`.
 */

export interface PlanOptions {
  /** Environment of the terraform processes; PATH is where terraform is looked up. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Synth output folder. @default <project>/cdktf.out */
  readonly outdir?: string;
  /** Synthesize first; false runs terraform on the output already in `outdir` (CLI: `--no-synth`). @default true */
  readonly synth?: boolean;
  /** Where progress and problems are written. @default stderr */
  readonly log?: (line: string) => void;
  /** Where `terraform init`'s output is echoed as it comes (plan and apply use the terminal). @default stdout/stderr */
  readonly echo?: (chunk: string, stream: "stdout" | "stderr") => void;
}

const PROJECT_DIR = path.resolve(__dirname, "..");

/** Output of a failed `terraform init` that means the providers could not be downloaded. */
const PROVIDER_DOWNLOAD_FAILURE =
  /Failed to query available provider packages|Failed to install provider|could not connect to registry|failed to request discovery document|no such host|i\/o timeout|connection refused|network is unreachable|TLS handshake timeout/i;

/** Finds an executable on the PATH of `env`, like `command -v`. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The version `.terraform-version` asks for, if the file exists. */
export function wantedTerraformVersion(projectDir = PROJECT_DIR): string | undefined {
  const file = path.join(projectDir, ".terraform-version");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
}

/** Runs a command, echoing its output live, and returns its exit code and output (for diagnosing failures). */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, echo: PlanOptions["echo"] | "terminal"): Promise<{ code: number; output: string }> {
  const interactive = echo === "terminal";
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: interactive ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (echo !== "terminal") echo?.(chunk.toString(), "stdout");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (echo !== "terminal") echo?.(chunk.toString(), "stderr");
    });
    child.on("error", (error) => resolve({ code: 127, output: String(error) }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * `args`: [stack, ...extra terraform arguments]. Returns the exit code: 0 when terraform succeeded, terraform's own
 * code when plan/apply failed, 1 for anything that stopped before (no stack, no terraform, init failure).
 */
export async function runTerraform(command: "plan" | "apply", args: readonly string[], options: PlanOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const echo = options.echo ?? ((chunk: string, stream: "stdout" | "stderr") => process[stream].write(chunk));
  const [stack, ...extra] = args;
  if (!stack || stack.startsWith("-")) {
    log(`usage: npm run ${command} -- <stack> [terraform ${command} arguments]`);
    return 1;
  }

  const terraform = findExecutable("terraform", env);
  if (!terraform) {
    log(
      `terraform is not installed: no "terraform" on PATH. Install Terraform ${wantedTerraformVersion() ?? ""} (see .terraform-version; tfenv and tfswitch read it), ` +
        `or run "npm run validate" for the offline check, which needs neither Terraform nor network.`,
    );
    return 1;
  }
  const versionRun = spawnSync(terraform, ["version", "-json"], { env, encoding: "utf8" });
  const installed = /"terraform_version"\s*:\s*"([^"]+)"/.exec(versionRun.stdout ?? "")?.[1];
  const wanted = wantedTerraformVersion();
  if (wanted && installed && installed !== wanted) {
    log(`warning: terraform ${installed} is installed but .terraform-version asks for ${wanted}; results may differ.`);
  }

  const outdir = options.outdir ?? path.join(PROJECT_DIR, "cdktf.out");
  if (options.synth === false && !fs.existsSync(path.join(outdir, "manifest.json"))) {
    log(`nothing synthesized in ${outdir}; run without --no-synth (or "npm run synth" first).`);
    return 1;
  }
  let stacks;
  try {
    stacks = options.synth === false ? readSynthesized(outdir) : synthesizeApp(settingsSourceFromEnv(env, PROJECT_DIR), outdir).stacks;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    log(error.message);
    return 1;
  }
  const target = stacks.find((s) => s.name === stack);
  if (!target) {
    log(`unknown stack "${stack}"; stacks: ${stacks.map((s) => s.name).join(", ")}`);
    return 1;
  }
  const dir = path.dirname(target.file);
  log(`${options.synth === false ? "using the synthesized" : "synthesized"} ${stacks.length} stack(s); running terraform in ${path.relative(process.cwd(), dir) || "."}`);

  const init = await run(terraform, ["init", "-input=false"], dir, env, echo);
  if (init.code !== 0) {
    const plain = init.output.replace(/\x1b\[[0-9;]*m/g, "");
    if (PROVIDER_DOWNLOAD_FAILURE.test(plain)) {
      log(
        `terraform init could not download the providers (registry.terraform.io unreachable from here). ` +
          `"npm run ${command}" needs network access to the Terraform registry, or a provider mirror configured in the Terraform CLI config; ` +
          `"npm run validate" checks the stacks offline.`,
      );
    } else {
      log(`terraform init failed (exit ${init.code}) in ${dir}; see its output above.`);
    }
    return 1;
  }
  // apply keeps its interactive approval; plan must not stop to ask for variables.
  const commandArgs = command === "plan" ? ["plan", "-input=false", ...extra] : ["apply", ...extra];
  const result = await run(terraform, commandArgs, dir, env, "terminal");
  return result.code;
}

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  const synth = !args.includes("--no-synth");
  const rest = args.filter((a) => a !== "--no-synth");
  if (command !== "plan" && command !== "apply") {
    console.error(`usage: tsx tools/plan.ts plan|apply <stack> [--no-synth] [terraform arguments]`);
    process.exitCode = 1;
  } else {
    runTerraform(command, rest, { synth }).then(
      (code) => (process.exitCode = code),
      (error) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
