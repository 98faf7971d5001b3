import { App, Testing } from "cdktf";
import { loadSettings, Settings, SettingsSource } from "../src/settings";

/** Settings as the defaults give them, with optional overrides (context keys, as in cdktf.json). */
export function testSettings(context: Record<string, unknown> = {}, env: SettingsSource["env"] = {}): Settings {
  return loadSettings({ context, env });
}

/** A Testing app with cdktf's test defaults, for `new Stack(testApp(), "id", …)`. */
export function testApp(): App {
  return Testing.app();
}

/** Parsed synthesized JSON of a stack, for assertions the matchers do not cover (outputs, backend, counts). */
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
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
