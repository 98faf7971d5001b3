/**
 * `npm run check`: synthesizes every stack of the app in this process and runs the security rules over the
 * output. Prints one line per finding (stack, Terraform address, rule, what is wrong, how to fix it) and exits 1
 * when a finding is not suppressed, 2 on a bad setting or argument.
 *
 *   npm run check                       synthesize with the settings of cdktf.json and QS_* variables, then check
 *   npm run check -- --dir cdktf.out    check an existing synth output instead
 *   npm run check -- --verbose          also print the suppressed findings with their reasons
 *   npm run check -- --markdown         print the tables of docs/security.md: the rules and every suppression
 */
import "../../src/skip-source-maps"; // first: before the heavy modules below are loaded (as main.ts does)
import * as fs from "node:fs";
import * as path from "node:path";
import { SettingsError } from "../../src/settings";
import { loadStacks } from "../lib/synth";
import { checkStack, Finding, formatFinding, listSuppressions, unsuppressed } from "./engine";
import { rulesMarkdown, suppressionsMarkdown } from "./markdown";
import { RULES } from "./rules";

/** Thrown for a bad command line; the message says what is allowed. */
export class UsageError extends Error {}

const USAGE = "usage: npm run check [-- [--dir <synth output folder>] [--verbose] [--markdown]]";

function parseArgs(argv: readonly string[]): { dir?: string; verbose: boolean; markdown: boolean } {
  const options = { dir: undefined as string | undefined, verbose: false, markdown: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--verbose") options.verbose = true;
    else if (arg === "--markdown") options.markdown = true;
    else if (arg === "--dir") {
      const dir = argv[++i];
      if (dir === undefined || dir.startsWith("--")) throw new UsageError(`--dir needs a folder (a cdktf synth output). ${USAGE}`);
      if (!fs.existsSync(path.join(dir, "manifest.json"))) {
        throw new UsageError(`--dir ${dir}: no manifest.json there; run \`npm run synth\` first, or leave --dir out. ${USAGE}`);
      }
      options.dir = dir;
    } else throw new UsageError(`unknown argument "${arg}". ${USAGE}`);
  }
  return options;
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  const stacks = loadStacks(options.dir);

  if (options.markdown) {
    console.log(`${rulesMarkdown(RULES)}\n\n${suppressionsMarkdown(listSuppressions(stacks))}`);
    return 0;
  }

  const findings: Finding[] = [];
  for (const s of stacks) findings.push(...(await checkStack(s, RULES)));
  const failing = unsuppressed(findings);
  const shown = options.verbose ? findings : failing;
  for (const f of shown) console.log(formatFinding(f));
  const suppressed = findings.length - failing.length;
  console.log(
    `${RULES.length} rules over ${stacks.length} stack(s) (${stacks.map((s) => s.name).join(", ")}): ` +
      `${failing.length} finding(s), ${suppressed} suppressed with a reason.`,
  );
  return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      if (!(error instanceof SettingsError) && !(error instanceof UsageError)) throw error;
      console.error(error.message);
      process.exitCode = 2;
    },
  );
}
