/**
 * Reading and validating environment variables for the code that runs in AWS. Every error names the variable,
 * the value and what is allowed, so a bad task definition or Lambda setting fails at start, not mid-work.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;

export function requireString(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required (got ${JSON.stringify(env[name] ?? null)})`);
  return value;
}

export function optionalString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

export interface NumberRule {
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  /** When true, min itself is not allowed (for "> 0" settings). */
  exclusiveMin?: boolean;
  /** Appended to the error, e.g. why the bound is what it is. */
  why?: string;
}

export function readNumber(env: Env, name: string, rule: NumberRule): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return rule.default;
  const value = Number(raw);
  const lowOk = rule.exclusiveMin ? value > rule.min : value >= rule.min;
  if (!Number.isFinite(value) || !lowOk || value > rule.max || (rule.integer && !Number.isInteger(value))) {
    const kind = rule.integer ? "an integer" : "a number";
    const low = rule.exclusiveMin ? `greater than ${rule.min}` : `from ${rule.min}`;
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected ${kind} ${low} up to ${rule.max}${rule.why ? ` (${rule.why})` : ""}`);
  }
  return value;
}

/** A required comma-separated list (`subnet-a,subnet-b`): items trimmed, none empty, at least one. */
export function requireList(env: Env, name: string): string[] {
  const raw = requireString(env, name);
  const items = raw.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) {
    throw new ConfigError(`${name}=${JSON.stringify(env[name])} is invalid: expected a comma-separated list with no empty items`);
  }
  return items;
}

/** One of a fixed set of words (case as written); unset or empty gives the default. */
export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected one of ${choices.join(", ")}`);
  }
  return raw as T;
}

/** `true` or `false`; unset or empty gives the default. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  return readChoice(env, name, ["true", "false"], fallback ? "true" : "false") === "true";
}
