import * as fs from "node:fs";
import * as path from "node:path";
import { SettingsError } from "./error";
import type { SettingsSource } from "./load";

/**
 * Context keys cdktf 0.21 itself puts into or reads from the context; they are not settings and are never
 * reported. The CLI adds `cdktfRelativeModules` to CDKTF_CONTEXT_JSON on every synth; `App` sets `cdktfVersion`
 * and the stack-trace switch; module and asset constructs read the other two. cdktf 0.21's feature flags
 * (`FUTURE_FLAGS`, which `cdktf init` writes into the context) are empty; a test checks that this list still
 * covers them.
 */
export const CDKTF_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  "cdktfRelativeModules",
  "cdktfStaticModuleAssetHash",
  "cdktfJsonPath",
  "cdktfVersion",
  "@cdktf/disable_stack_trace_in_metadata",
]);

/** The variable through which the cdktf CLI passes the context to the app. */
export const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";

const CONFIG_FILE = "cdktf.json";

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SettingsError([`${what} is not valid JSON (${(error as Error).message}); allowed: a JSON object.`]);
  }
}

function asContext(value: unknown, what: string): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new SettingsError([`${what} is ${JSON.stringify(value)}; allowed: a JSON object of settings.`]);
}

/**
 * The settings' sources as `cdktf synth` gives them to the app, for the app run by the CLI and run directly
 * (`node --import tsx main.ts`) alike. What the CLI 0.21 does (`@cdktf/commons` parseConfig and SynthStack): when
 * cdktf.json has a "context", CDKTF_CONTEXT_JSON is that context, replacing any CDKTF_CONTEXT_JSON of the caller's
 * environment; without one, the caller's CDKTF_CONTEXT_JSON is passed on; either way the CLI adds
 * `cdktfRelativeModules`, which tells the two runs apart. A direct run reads cdktf.json of `projectDir` (the CLI
 * reads the one of its working folder) the same way.
 * @throws SettingsError when cdktf.json or CDKTF_CONTEXT_JSON is not a JSON object, or a direct run finds no cdktf.json.
 */
export function settingsSourceFromEnv(env: Record<string, string | undefined>, projectDir = process.cwd()): SettingsSource {
  const file = path.join(projectDir, CONFIG_FILE);
  const config = fs.existsSync(file) ? parseJson(fs.readFileSync(file, "utf8"), file) : undefined;
  const fileContext = config !== null && typeof config === "object" ? (config as { context?: unknown }).context : undefined;
  const passed = env[CONTEXT_ENV] === undefined ? undefined : asContext(parseJson(env[CONTEXT_ENV], CONTEXT_ENV), CONTEXT_ENV);

  if (passed !== undefined && Object.hasOwn(passed, "cdktfRelativeModules")) {
    // Run by the CLI: take what it passed; cdktf.json says only which of the two it came from.
    return { context: passed, contextOrigin: fileContext ? "cdktf.json context" : CONTEXT_ENV, env };
  }
  if (config === undefined) {
    throw new SettingsError([
      `${CONFIG_FILE} not found in ${projectDir}: run the app from the project folder (npm run synth, or node --import tsx main.ts there), where ${CONFIG_FILE} holds the settings' context.`,
    ]);
  }
  if (fileContext) return { context: asContext(fileContext, `${CONFIG_FILE} "context"`), contextOrigin: "cdktf.json context", env };
  return { context: passed ?? {}, contextOrigin: CONTEXT_ENV, env };
}
