/**
 * Synth-time settings: the one place that reads and validates them.
 *
 * Settings come in groups: the global ones, which every stack gets, and one group per stack
 * (`src/settings/<stack>.ts`, registered in `stacks.ts`). A global setting is a top-level key of the cdktf context
 * (`cdktf.json` "context") and a `QS_<NAME>` variable; a stack's setting is a key of the context's object named after
 * the stack and a `QS_<STACK>__<NAME>` variable. The environment wins over the context. Constructs never read the
 * environment: each stack gets the validated globals and its own group, nothing of another stack's.
 *
 * `loadSettings` collects every problem (unknown keys and variables, with the closest valid name; invalid values;
 * cross-checks), each naming where the value came from, and throws one `SettingsError`. `main.ts` calls it before
 * the cdktf `App` exists, so bad settings write nothing to `cdktf.out`.
 */
export { CDKTF_CONTEXT_KEYS, CONTEXT_ENV, settingsSourceFromEnv } from "./cdktf-context";
export { settingsFromEnvironment } from "./environment";
export { SettingsError } from "./error";
export { GLOBAL_SETTINGS } from "./global";
export type { GlobalSettings } from "./global";
export { def, stackEnvPrefix } from "./group";
export type { CrossCheck, SettingDefinition, SettingsGroup } from "./group";
export { loadSettings } from "./load";
export type { AppSettings, SettingsSource } from "./load";
export { cidrSubnet, scheduleExpression } from "./parsers";
export { SETTINGS_GROUPS, STACK_SETTINGS } from "./stacks";
export type { StackName, StackSettings } from "./stacks";
