import type { GlobalSettings } from "./global";
import type { Parsed } from "./parsers";

/** One setting: where it is given, what it means, what is allowed, its default and its parser. */
export interface SettingDefinition<T> {
  /** Key in the cdktf context: at its top level for a global setting, inside the stack's object for a stack's. */
  readonly key: string;
  /** Environment variable; wins over the context. A stack's is `<its group's envPrefix><KEY_IN_UPPER_SNAKE_CASE>`. */
  readonly env: string;
  /** One line for the settings table in docs/settings.md. */
  readonly doc: string;
  /** What is allowed, as the error message and the docs say it. */
  readonly allowed: string;
  /** Default when neither source sets it. `undefined` means the setting is optional and off. */
  readonly default: T;
  readonly parse: (raw: unknown) => Parsed<T>;
}

export function def<T>(d: SettingDefinition<T>): SettingDefinition<T> {
  return d;
}

export type Definitions = { readonly [name: string]: SettingDefinition<any> };

/** The validated values of a group of definitions, one typed field each. */
export type ValuesOf<D extends Definitions> = {
  readonly [K in keyof D]: D[K] extends SettingDefinition<infer T> ? T : never;
};

/** A rule that involves more than one setting. */
export interface CrossCheck<V> {
  /** The rule as docs/settings.md lists it, e.g. "minCapacity ≤ maxCapacity". */
  readonly doc: string;
  /**
   * A problem text, or undefined when the values agree. `describe(name)` gives the setting with its value and
   * where the value came from (`minCapacity = 5 (env QS_…)`): a message names every setting it involves with it.
   */
  readonly check: (values: V, describe: (name: keyof V & string) => string) => string | undefined;
}

export interface SettingsGroup<Name extends string = string, D extends Definitions = Definitions> {
  /** "global", or the stack's name as `cdktf deploy <stack>` knows it; also its key in the cdktf context. */
  readonly name: Name;
  readonly kind: "global" | "stack";
  /** One paragraph for docs/settings.md. */
  readonly doc: string;
  readonly definitions: D;
  /** Start of every environment variable of the group: `QS_` for the globals, `QS_<STACK>__` for a stack. */
  readonly envPrefix: string;
  // `any`: the loader runs the checks of every group alike; each group's file types its own checks.
  readonly crossChecks: readonly CrossCheck<any>[];
}

export const GLOBAL = "global";

/** `desiredLatencySeconds` -> `DESIRED_LATENCY_SECONDS`. */
export const upperSnake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();

/** `sqs-dynamic-target-tracking` -> `QS_SQS_DYNAMIC_TARGET_TRACKING__`: the double underscore ends the stack part. */
export const stackEnvPrefix = (stack: string): string => `QS_${upperSnake(stack)}__`;

/** Definitions whose record key, `key` and `env` disagree: a programming error, reported when the module loads. */
function checkDefinitions(group: string, definitions: Definitions, envOf: (d: SettingDefinition<unknown>) => string | RegExp): void {
  const problems: string[] = [];
  for (const [name, d] of Object.entries(definitions)) {
    if (d.key !== name) problems.push(`${name}: key is "${d.key}", expected "${name}"`);
    const env = envOf(d);
    if (typeof env === "string" ? d.env !== env : !env.test(d.env)) problems.push(`${name}: env is ${d.env}, expected ${env}`);
  }
  if (problems.length > 0) throw new Error(`settings group ${group}: ${problems.join("; ")}`);
}

interface GroupSpec<D extends Definitions, V> {
  readonly doc: string;
  readonly definitions: D;
  readonly crossChecks?: readonly CrossCheck<V>[];
}

/** The global settings: every stack gets them. Their variables are `QS_<NAME>` (no double underscore). */
export function globalSettings<D extends Definitions>(spec: GroupSpec<D, ValuesOf<D>>): SettingsGroup<typeof GLOBAL, D> {
  checkDefinitions(GLOBAL, spec.definitions, () => /^QS_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  return { name: GLOBAL, kind: "global", envPrefix: "QS_", doc: spec.doc, definitions: spec.definitions, crossChecks: spec.crossChecks ?? [] };
}

/**
 * The settings of one stack, given in the context as `"<stack>": { "<key>": … }` and in the environment as
 * `QS_<STACK>__<KEY>`. The stack gets them with the globals, and nothing of another stack's. Its cross-checks see
 * its own values and the globals.
 */
export function stackSettings<Name extends string, D extends Definitions>(
  name: Name,
  spec: GroupSpec<D, GlobalSettings & ValuesOf<D>>,
): SettingsGroup<Name, D> {
  const envPrefix = stackEnvPrefix(name);
  checkDefinitions(name, spec.definitions, (d) => `${envPrefix}${upperSnake(d.key)}`);
  return { name, kind: "stack", envPrefix, doc: spec.doc, definitions: spec.definitions, crossChecks: spec.crossChecks ?? [] };
}
