import * as fs from "node:fs";
import * as path from "node:path";
import { cdktfContextFromEnv } from "../../src/settings";

/**
 * The context `cdktf synth` gives the app: cdktf.json's "context", overridden by CDKTF_CONTEXT_JSON, so tools that
 * synthesize in-process (validate, plan) see the same settings as the CLI.
 */
export function cdktfContext(env: Record<string, string | undefined> = process.env, projectDir = path.resolve(__dirname, "..", "..")): Record<string, unknown> {
  const file = path.join(projectDir, "cdktf.json");
  const fromFile = fs.existsSync(file) ? ((JSON.parse(fs.readFileSync(file, "utf8")) as { context?: Record<string, unknown> }).context ?? {}) : {};
  return { ...fromFile, ...cdktfContextFromEnv(env) };
}
