import { Testing } from "cdktf";
import { BaseStack } from "../src/base-stack";
import { GLOBAL_SETTINGS, loadSettings, SettingsError, SettingsSource, StackName, StackSettings } from "../src/settings";

/**
 * What stack `stack` gets with the defaults and optional overrides, given by key: a global key goes to the top
 * level of the context, any other into the stack's object (as in cdktf.json), so a test lists them in one object.
 */
export function testSettings<S extends StackName>(stack: S, overrides: Record<string, unknown> = {}, env: SettingsSource["env"] = {}): StackSettings<S> {
  const context: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (Object.hasOwn(GLOBAL_SETTINGS.definitions, key)) context[key] = value;
    else own[key] = value;
  }
  return loadSettings({ context: { ...context, [stack]: own }, env }).stacks[stack];
}

/** An empty stack with the app's readable Terraform names (`<construct>_<child>`), to synthesize one construct in. */
export function constructStack(): BaseStack {
  return new (class extends BaseStack {})(Testing.app(), "test", { settings: loadSettings().global, blueprintTag: "test" });
}

/** The synthesized JSON of a stack, as text and parsed. */
export function synthJson(stack: BaseStack): { synthesized: string; json: TerraformJson } {
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

export interface TerraformJson {
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown; description?: string }>;
  variable?: Record<string, any>;
  locals?: Record<string, any>;
}

/** All resources of one type in a synthesized stack, by Terraform name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The problems `loadSettings` reports for these sources; fails the test when it accepts them. */
export function settingsProblems(source: SettingsSource): readonly string[] {
  try {
    loadSettings(source);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error(`expected the settings ${JSON.stringify(source)} to be rejected`);
}

/** The one problem loadSettings reports for these values of stack `stack`'s object (fails when there is none or several). */
export function settingsProblemOf(stack: StackName, own: Record<string, unknown>): string {
  const problems = settingsProblems({ context: { [stack]: own } });
  expect(problems).toHaveLength(1);
  return problems[0];
}

/** Synthesized JSON with the content hashes masked (image tags, Lambda bundles), which change with app-code. */
export function maskContentHashes(synthesized: string): string {
  return synthesized
    .replace(/assets\/(\w+)\/[0-9a-f]{32}\//g, "assets/$1/<hash>/")
    .replace(/"source_code_hash": "[^"]+"/g, '"source_code_hash": "<hash>"')
    .replace(/src-[0-9a-f]{12}/g, "src-<hash>")
    .replace(/"source_hash": "[0-9a-f]{64}"/g, '"source_hash": "<hash>"');
}
