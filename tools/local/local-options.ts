/** Command-line options of the local runs: parsed with node's parseArgs, each number checked with a clear message. */
import { parseArgs } from "node:util";

export interface NumberOption {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly doc: string;
}

/** `--name value` options of numbers; an unknown option or a bad value throws with what is allowed. */
export function numberOptions<K extends string>(argv: string[], spec: Record<K, NumberOption>): Record<K, number> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.keys(spec).map((k) => [k, { type: "string" as const }])),
    strict: true,
  });
  const out = {} as Record<K, number>;
  for (const [name, o] of Object.entries(spec) as [K, NumberOption][]) {
    const raw = values[name] as string | undefined;
    if (raw === undefined) {
      out[name] = o.default;
      continue;
    }
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < o.min || n > o.max || (o.integer && !Number.isInteger(n))) {
      throw new Error(`--${name}=${raw} is invalid: expected ${o.integer ? "an integer" : "a number"} from ${o.min} up to ${o.max} (${o.doc})`);
    }
    out[name] = n;
  }
  return out;
}
