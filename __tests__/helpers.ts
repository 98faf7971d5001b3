import { Testing } from "cdktf";
import { AppSettings, loadAppSettings } from "../src/app-settings";
import { BaseStack } from "../src/base-stack";
import { SettingsSource } from "../src/settings";

/** Settings as the defaults give them, with optional overrides (context keys, as in cdktf.json). */
export function testSettings(context: Record<string, unknown> = {}, env: SettingsSource["env"] = {}): AppSettings {
  return loadAppSettings({ context, env });
}

/** An empty stack with the app's readable Terraform names (`<construct>_<child>`), to synthesize one construct in. */
export function constructStack(): BaseStack {
  return new (class extends BaseStack {})(Testing.app(), "test", { settings: testSettings(), blueprintTag: "test" });
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
