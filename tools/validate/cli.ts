import "../../src/skip-source-maps"; // first: before the heavy modules below are loaded (as main.ts does)
import { performance } from "node:perf_hooks";
import { loadStacks } from "../lib/synth";
import { SettingsError } from "../../src/settings";
import { formatFinding, Schemas, validateStacks } from "./validator";

/**
 * `npm run validate [-- <cdktf.out>]`: synthesizes every stack (or reads an existing output folder) and checks
 * each `cdk.tf.json` offline against the installed provider schemas. Prints one line per stack and per finding,
 * and the elapsed time; exits 1 on any finding.
 */
export async function runValidate(args: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const started = performance.now();
  const ms = (from: number) => `${Math.round(performance.now() - from)} ms`;
  let t = performance.now();
  let stacks;
  try {
    stacks = loadStacks(args[0]);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    out(error.message);
    return 1;
  }
  const synthTime = ms(t);
  t = performance.now();
  const schemas = Schemas.load();
  const schemaTime = ms(t);
  t = performance.now();
  const reports = await validateStacks(stacks, schemas);
  const checkTime = ms(t);

  let findings = 0;
  for (const report of reports) {
    const status = report.findings.length === 0 ? "ok  " : "FAIL";
    out(`${status} ${report.stack}: ${report.blocks} resource/data blocks, ${report.expressions} expressions, ${report.findings.length} finding(s)`);
    for (const finding of report.findings) out(`     ${formatFinding(finding)}`);
    findings += report.findings.length;
  }
  const providers = schemas.providers.map((p) => `${p.source.replace("registry.terraform.io/", "")} ${p.providerVersion}`).join(", ");
  out(`${reports.length} stack(s), ${findings} finding(s); schemas: ${providers}`);
  out(`elapsed ${ms(started)} (synth ${args[0] ? "skipped" : synthTime}, schemas ${schemaTime}, checks ${checkTime})`);
  return findings === 0 && reports.length > 0 ? 0 : 1;
}

if (require.main === module) {
  runValidate(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
