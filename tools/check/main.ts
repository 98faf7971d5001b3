/**
 * `npm run check`: synthesizes every stack of the app in this process and runs the security rules over the
 * output. Prints one line per finding (stack, Terraform address, rule, what is wrong, how to fix it) and exits 1
 * when a finding is not suppressed.
 *
 *   npm run check                       synthesize with the settings of cdktf.json and QS_* variables, then check
 *   npm run check -- --dir cdktf.out    check an existing synth output instead
 *   npm run check -- --verbose          also print the suppressed findings with their reasons
 *   npm run check -- --markdown         print the README tables: the rules and every suppression
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cdktfContextFromEnv, loadSettings, SettingsError } from "../../src/settings";
import { readSynthesized, SynthesizedStack, synthesizeApp } from "../lib/synth";
import { checkStack, Finding, formatFinding, listSuppressions, unsuppressed } from "./engine";
import { rulesMarkdown, suppressionsMarkdown } from "./markdown";
import { RULES } from "./rules";

function loadStacks(dir: string | undefined): SynthesizedStack[] {
  if (dir) return readSynthesized(dir);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(__dirname, "../../cdktf.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  const context = { ...(cdktfJson.context ?? {}), ...cdktfContextFromEnv(process.env) };
  // Validate first, as main.ts does: a bad setting is reported before anything is synthesized.
  loadSettings({ context, env: process.env });
  const { outdir, stacks } = synthesizeApp({ context, env: process.env });
  fs.rmSync(outdir, { recursive: true, force: true });
  return stacks;
}

export function main(argv: readonly string[]): number {
  const dirAt = argv.indexOf("--dir");
  const stacks = loadStacks(dirAt >= 0 ? argv[dirAt + 1] : undefined);

  if (argv.includes("--markdown")) {
    console.log(`${rulesMarkdown(RULES)}\n\n${suppressionsMarkdown(listSuppressions(stacks))}`);
    return 0;
  }

  const findings: Finding[] = stacks.flatMap((s) => checkStack(s, RULES));
  const failing = unsuppressed(findings);
  const shown = argv.includes("--verbose") ? findings : failing;
  for (const f of shown) console.log(formatFinding(f));
  const suppressed = findings.length - failing.length;
  console.log(
    `${RULES.length} rules over ${stacks.length} stack(s) (${stacks.map((s) => s.name).join(", ")}): ` +
      `${failing.length} finding(s), ${suppressed} suppressed with a reason.`,
  );
  return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
