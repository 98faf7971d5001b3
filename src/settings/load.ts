import { CDKTF_CONTEXT_KEYS } from "./cdktf-context";
import { SettingsError } from "./error";
import { GLOBAL_SETTINGS, GlobalSettings } from "./global";
import { SettingDefinition, SettingsGroup } from "./group";
import { Invalid, isInvalid } from "./parsers";
import { SETTINGS_GROUPS, STACK_SETTINGS, StackName, StackSettings } from "./stacks";
import { closest } from "./suggest";

/** Where raw values come from. Tests pass plain objects; `main.ts` passes the cdktf context and the environment. */
export interface SettingsSource {
  readonly context?: Record<string, unknown>;
  /** How messages name the context: "cdktf.json context" (the default) or "CDKTF_CONTEXT_JSON". */
  readonly contextOrigin?: string;
  readonly env?: Record<string, string | undefined>;
}

/** The validated settings: the globals, and per stack what that stack gets (the globals and its own). */
export interface AppSettings {
  readonly global: GlobalSettings;
  readonly stacks: { readonly [S in StackName]: StackSettings<S> };
}

/** A raw value and where it came from, as messages name it: `env QS_REGION`, `cdktf.json context "region"`. */
interface Given {
  readonly value: unknown;
  readonly source: string;
}

type Kind = "context" | "env";

interface Candidate {
  readonly group: SettingsGroup;
  readonly d: SettingDefinition<unknown>;
}

const CANDIDATES: readonly Candidate[] = SETTINGS_GROUPS.flatMap((group) =>
  Object.values(group.definitions).map((d) => ({ group, d })),
);
const BY_ENV = new Map(CANDIDATES.map((c) => [c.d.env, c]));

/** A raw value as a message quotes it: strings in quotes, context values as JSON. */
const show = (raw: unknown): string => JSON.stringify(raw) ?? String(raw);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const quote = (key: string) => JSON.stringify(key);

/**
 * Reads every setting from the environment (first) or the cdktf context, applies defaults and validates; keys and
 * `QS_*` variables that are no setting are errors too.
 * @throws SettingsError listing every problem, each naming where the value came from.
 */
export function loadSettings(source: SettingsSource = {}): AppSettings {
  const problems: string[] = [];
  const given = new Map<SettingsGroup, Map<string, Given>>(SETTINGS_GROUPS.map((g) => [g, new Map()]));
  readContext(source.context ?? {}, source.contextOrigin ?? "cdktf.json context", given, problems);
  readEnv(source.env ?? {}, given, problems);

  const parsed = new Map(SETTINGS_GROUPS.map((g) => [g, parseGroup(g, given.get(g)!, problems)]));
  const global = parsed.get(GLOBAL_SETTINGS)!;
  for (const group of SETTINGS_GROUPS) {
    const own = parsed.get(group)!;
    if (!global.ok || !own.ok) continue; // a check on a value that did not parse would only repeat the problem
    const values = { ...global.values, ...own.values };
    const sources = { ...global.sources, ...own.sources };
    const describe = (name: string) => `${name} = ${show(values[name])} (${sources[name]})`;
    for (const { check } of group.crossChecks) {
      const problem = check(values, describe);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);

  const stacks = Object.fromEntries(STACK_SETTINGS.map((g) => [g.name, Object.freeze({ ...global.values, ...parsed.get(g)!.values })]));
  return Object.freeze({ global: Object.freeze({ ...global.values }), stacks: Object.freeze(stacks) }) as AppSettings;
}

/** Top level: global settings, and one object per stack with its settings. cdktf's own keys are left alone. */
function readContext(context: Record<string, unknown>, origin: string, given: Map<SettingsGroup, Map<string, Given>>, problems: string[]) {
  for (const [key, value] of Object.entries(context)) {
    if (CDKTF_CONTEXT_KEYS.has(key)) continue;
    const at = `${origin} ${quote(key)}`;
    if (Object.hasOwn(GLOBAL_SETTINGS.definitions, key)) {
      given.get(GLOBAL_SETTINGS)!.set(key, { value, source: at });
      continue;
    }
    const stack = STACK_SETTINGS.find((g) => g.name === key);
    if (stack === undefined) {
      problems.push(notASetting(at, key, value, GLOBAL_SETTINGS, "context"));
    } else if (!isObject(value)) {
      problems.push(`${at} is ${show(value)}; allowed: an object of settings of stack ${key}, as docs/settings.md lists them.`);
    } else {
      for (const [k, v] of Object.entries(value)) {
        const atKey = `${at}.${quote(k)}`;
        if (Object.hasOwn(stack.definitions, k)) given.get(stack)!.set(k, { value: v, source: atKey });
        else problems.push(notASetting(atKey, k, v, stack, "context"));
      }
    }
  }
}

/** `QS_<NAME>` for a global setting, `QS_<STACK>__<NAME>` for a stack's; read after the context, so it wins. */
function readEnv(env: Record<string, string | undefined>, given: Map<SettingsGroup, Map<string, Given>>, problems: string[]) {
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith("QS_") || value === undefined) continue;
    const at = `env ${name}`;
    const known = BY_ENV.get(name);
    if (known) {
      given.get(known.group)!.set(known.d.key, { value, source: at });
      continue;
    }
    const split = name.indexOf("__");
    if (split < 0) {
      problems.push(notASetting(at, name.slice("QS_".length), value, GLOBAL_SETTINGS, "env"));
      continue;
    }
    const prefix = name.slice(0, split + 2);
    const stack = STACK_SETTINGS.find((g) => g.envPrefix === prefix);
    if (stack) {
      problems.push(notASetting(at, name.slice(prefix.length), value, stack, "env"));
    } else {
      const near = closest(name, CANDIDATES, (c) => [c.d.env]);
      problems.push(
        near
          ? `${at} is not a setting; did you mean ${near.candidate.d.env}?`
          : `${at} is not a setting: no stack has the prefix ${prefix}; allowed: QS_<NAME> for a global setting, ${STACK_SETTINGS.map((g) => `${g.envPrefix}<NAME>`).join(", ")} for a stack's.`,
      );
    }
  }
}

/**
 * The message for a key or variable that is no setting of the group it addresses: the closest setting of any
 * group (its own first), and where to set it when it belongs to another group; else every name allowed there.
 */
function notASetting(at: string, name: string, value: unknown, addressed: SettingsGroup, kind: Kind): string {
  const what = addressed.kind === "stack" ? `a setting of stack ${addressed.name}` : "a setting";
  if (kind === "context" && addressed.kind === "global") {
    const stack = closest(name, STACK_SETTINGS, (g) => [g.name]);
    if (stack) return `${at} is not a setting; did you mean ${quote(stack.candidate.name)}, the object of stack ${stack.candidate.name}'s settings?`;
  }
  const ordered = [...CANDIDATES.filter((c) => c.group === addressed), ...CANDIDATES.filter((c) => c.group !== addressed)];
  const best = closest(name, ordered, (c) => [c.d.key, c.d.env.slice(c.group.envPrefix.length)]);
  if (best === undefined) return `${at} is not ${what}; allowed: ${allowedNames(addressed, kind)}.`;
  const { candidate: c, distance } = best;
  if (c.group === addressed) return `${at} is not ${what}; did you mean ${kind === "env" ? c.d.env : quote(c.d.key)}?`;
  const whose = c.group.kind === "global" ? "a global setting" : `a setting of stack ${c.group.name}`;
  const setAs = setAsText(c, kind, value);
  return distance === 0
    ? `${at} is not ${what}: ${c.d.key} is ${whose}; set it as ${setAs}.`
    : `${at} is not ${what}; did you mean ${c.d.key}, ${whose}? Set it as ${setAs}.`;
}

/** How to give `value` to the setting `c` in the source kind the user chose. */
function setAsText(c: Candidate, kind: Kind, value: unknown): string {
  if (kind === "env") return `${c.d.env}=${String(value)}`;
  const entry = `${quote(c.d.key)}: ${show(value)}`;
  return c.group.kind === "global" ? `${entry} at the top level of the context` : `${quote(c.group.name)}: {${entry}}`;
}

function allowedNames(group: SettingsGroup, kind: Kind): string {
  const defs = Object.values(group.definitions);
  if (kind === "env") {
    const names = defs.map((d) => d.env).join(", ");
    if (group.kind === "stack") return names || "none (the stack has no settings)";
    return `${names}; for a stack's setting QS_<STACK>__<NAME> (${STACK_SETTINGS.map((g) => g.envPrefix).join(", ")})`;
  }
  const keys = defs.map((d) => d.key).join(", ");
  if (group.kind === "stack") return keys || "none (the stack has no settings)";
  return `the global settings (${keys}) and one object per stack (${STACK_SETTINGS.map((g) => quote(g.name)).join(", ")})`;
}

/** Each given value parsed (else its default); `ok` is false when any value is not allowed. */
function parseGroup(group: SettingsGroup, given: Map<string, Given>, problems: string[]) {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  let ok = true;
  for (const [key, d] of Object.entries(group.definitions)) {
    const g = given.get(key);
    if (g === undefined || g.value === undefined || g.value === null) {
      values[key] = d.default;
      sources[key] = "default";
      continue;
    }
    const parsed = d.parse(g.value);
    if (isInvalid(parsed)) {
      ok = false;
      const reason = parsed instanceof Invalid ? `, ${parsed.reason}` : "";
      problems.push(`${key} (${g.source}) is ${show(g.value)}${reason}; allowed: ${d.allowed}.`);
    } else {
      values[key] = parsed;
      sources[key] = g.source;
    }
  }
  return { values, sources, ok };
}
