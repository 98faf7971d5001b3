import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FUTURE_FLAGS } from "cdktf/lib/features";
import { DISABLE_STACK_TRACE_IN_METADATA } from "cdktf/lib/annotations";
import { CDKTF_CONTEXT_KEYS, loadSettings, SettingsError, settingsSourceFromEnv } from "../../../src/settings";

/** What the cdktf CLI 0.21 passes: the context it chose, plus the key it adds on every synth. */
const fromCli = (context: Record<string, unknown>) => JSON.stringify({ ...context, cdktfRelativeModules: [] });

describe("settingsSourceFromEnv: the context as cdktf synth passes it", () => {
  let dir: string;
  const writeConfig = (config: unknown) => fs.writeFileSync(path.join(dir, "cdktf.json"), typeof config === "string" ? config : JSON.stringify(config));
  const problemsOf = (env: Record<string, string>) => {
    try {
      settingsSourceFromEnv(env, dir);
    } catch (error) {
      if (error instanceof SettingsError) return error.problems;
      throw error;
    }
    throw new Error("expected a SettingsError");
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qs-context-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("run directly, reads cdktf.json's context; a CDKTF_CONTEXT_JSON of the caller is replaced by it, as the CLI does", () => {
    writeConfig({ app: "x", context: { region: "eu-west-1" } });
    expect(settingsSourceFromEnv({}, dir)).toMatchObject({ context: { region: "eu-west-1" }, contextOrigin: "cdktf.json context" });
    expect(settingsSourceFromEnv({ CDKTF_CONTEXT_JSON: '{"region":"ap-south-1"}' }, dir).context).toEqual({ region: "eu-west-1" });
  });

  it("run directly with no context in cdktf.json, passes the caller's CDKTF_CONTEXT_JSON on, as the CLI does", () => {
    writeConfig({ app: "x" });
    expect(settingsSourceFromEnv({ CDKTF_CONTEXT_JSON: '{"region":"ap-south-1"}' }, dir)).toMatchObject({
      context: { region: "ap-south-1" },
      contextOrigin: "CDKTF_CONTEXT_JSON",
    });
    expect(settingsSourceFromEnv({}, dir).context).toEqual({});
  });

  it("run by the CLI, takes what it passed, named after cdktf.json when that has a context", () => {
    writeConfig({ app: "x", context: { region: "eu-west-1" } });
    expect(settingsSourceFromEnv({ CDKTF_CONTEXT_JSON: fromCli({ region: "eu-west-1" }) }, dir)).toMatchObject({
      context: { region: "eu-west-1", cdktfRelativeModules: [] },
      contextOrigin: "cdktf.json context",
    });
    writeConfig({ app: "x" });
    expect(settingsSourceFromEnv({ CDKTF_CONTEXT_JSON: fromCli({ region: "eu-west-1" }) }, dir).contextOrigin).toBe("CDKTF_CONTEXT_JSON");
  });

  it("passes the environment on for the QS_* variables", () => {
    writeConfig({ app: "x", context: {} });
    const env = { QS_REGION: "eu-west-1" };
    expect(settingsSourceFromEnv(env, dir).env).toBe(env);
  });

  it("refuses a direct run without cdktf.json and says how to run the app", () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^cdktf\.json not found in .+: run the app from the project folder \(npm run synth/)]);
  });

  it("names the file or variable that is not JSON, or whose context is not an object", () => {
    writeConfig("{ app: x }");
    expect(problemsOf({})).toEqual([expect.stringMatching(/cdktf\.json is not valid JSON \(.+\); allowed: a JSON object\.$/)]);
    writeConfig({ app: "x", context: ["region"] });
    expect(problemsOf({})).toEqual(['cdktf.json "context" is ["region"]; allowed: a JSON object of settings.']);
    writeConfig({ app: "x" });
    expect(problemsOf({ CDKTF_CONTEXT_JSON: "{region" })).toEqual([expect.stringMatching(/^CDKTF_CONTEXT_JSON is not valid JSON/)]);
  });
});

describe("keys cdktf puts into the context", () => {
  it("cover cdktf 0.21's feature flags and the stack-trace switch", () => {
    for (const key of [...Object.keys(FUTURE_FLAGS), DISABLE_STACK_TRACE_IN_METADATA]) expect(CDKTF_CONTEXT_KEYS).toContain(key);
  });

  it("are not reported as unknown settings", () => {
    const context = Object.fromEntries([...CDKTF_CONTEXT_KEYS].map((k) => [k, "anything"]));
    expect(() => loadSettings({ context })).not.toThrow();
  });
});
