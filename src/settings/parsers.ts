/**
 * Parsers of raw setting values, and the name shapes the settings share. A parser takes what the cdktf context
 * (JSON typed: numbers, booleans, objects) or the environment (always strings) holds and returns the typed value,
 * `INVALID`, or `new Invalid(reason)` when the error message should say more than "allowed: ...".
 */

/** A parser's verdict that a raw value is not allowed. */
export const INVALID = Symbol("invalid");

/** Not allowed, with the reason the error message gives before "allowed: ..." (e.g. that the text is not JSON). */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** The parser's verdict on one raw value: the parsed value, `INVALID`, or an `Invalid` with its reason. */
export type Parsed<T> = T | typeof INVALID | Invalid;

export const isInvalid = (parsed: unknown): parsed is typeof INVALID | Invalid => parsed === INVALID || parsed instanceof Invalid;

// ---------------------------------------------------------------------------------------------------------------
// Parsers. Context values may be JSON typed (numbers, booleans, objects); environment values are always strings.

const asString = (raw: unknown): string | undefined =>
  typeof raw === "string" ? raw.trim() : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;

export function integer(min: number, max: number) {
  return (raw: unknown): Parsed<number> => {
    const s = asString(raw);
    if (s === undefined || !/^-?\d+$/.test(s)) return INVALID;
    const n = Number(s);
    return n >= min && n <= max ? n : INVALID;
  };
}

/** A finite number in (min, max] when `exclusiveMin`, else [min, max]. */
export function decimal(min: number, max: number, exclusiveMin = false) {
  return (raw: unknown): Parsed<number> => {
    const s = asString(raw);
    if (s === undefined || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) return INVALID;
    const n = Number(s);
    const aboveMin = exclusiveMin ? n > min : n >= min;
    return Number.isFinite(n) && aboveMin && n <= max ? n : INVALID;
  };
}

export function boolean() {
  return (raw: unknown): Parsed<boolean> => {
    const s = asString(raw)?.toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
    return INVALID;
  };
}

export function pattern(re: RegExp, maxLength = Infinity) {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    return s !== undefined && s.length <= maxLength && re.test(s) ? s : INVALID;
  };
}

export function optional<T>(parse: (raw: unknown) => Parsed<T>) {
  return (raw: unknown): Parsed<T | undefined> => (asString(raw) === "" ? undefined : parse(raw));
}

export function oneOf<T extends string>(...values: T[]) {
  return (raw: unknown): Parsed<T> => {
    const s = asString(raw);
    return values.includes(s as T) ? (s as T) : INVALID;
  };
}

/** `parse`, then also `ok` on the parsed value (a value outside it is invalid). */
export function where<T>(parse: (raw: unknown) => Parsed<T>, ok: (value: T) => boolean) {
  return (raw: unknown): Parsed<T> => {
    const parsed = parse(raw);
    return isInvalid(parsed) || !ok(parsed) ? INVALID : parsed;
  };
}

/** An IPv4 network in CIDR notation whose prefix is within [minPrefix, maxPrefix] and whose host bits are 0. */
export function ipv4Cidr(minPrefix: number, maxPrefix: number) {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    const m = s?.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/);
    if (!m) return INVALID;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix < minPrefix || prefix > maxPrefix) return INVALID;
    const address = ipv4ToInt(octets);
    const hostMask = prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
    return (address & hostMask) === 0 ? s! : INVALID;
  };
}

/** AWS tags as a JSON object of strings (context: an object; environment: its JSON text). */
export function tagMap() {
  return (raw: unknown): Parsed<Record<string, string>> => {
    let value = raw;
    if (typeof raw === "string") {
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return new Invalid(`not valid JSON (${(error as Error).message})`);
      }
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return INVALID;
    const entries = Object.entries(value as Record<string, unknown>);
    const valid = entries.every(
      ([k, v]) =>
        typeof v === "string" &&
        k.length >= 1 &&
        k.length <= 128 &&
        v.length <= 256 &&
        !k.toLowerCase().startsWith("aws:") &&
        /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(k) &&
        /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(v),
    );
    return valid ? Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1))) as Record<string, string> : INVALID;
  };
}

export const SCHEDULE_ALLOWED =
  "rate(N unit) with N >= 1 and unit minute/hour/day (singular only for 1, plural otherwise), or cron(<6 fields>)";

/** An EventBridge schedule expression: `rate(1 minute)`, `rate(5 minutes)`, `cron(0 12 * * ? *)`. */
export function scheduleExpression() {
  return (raw: unknown): Parsed<string> => {
    const s = asString(raw);
    if (s === undefined) return INVALID;
    const rate = s.match(/^rate\((\d+) (minute|hour|day)(s?)\)$/);
    if (rate) {
      const n = Number(rate[1]);
      return n >= 1 && (n === 1) === (rate[3] === "") ? s : INVALID;
    }
    const cron = s.match(/^cron\((.+)\)$/);
    return cron && cron[1].trim().split(/\s+/).length === 6 ? s : INVALID;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared shapes for names, so every stack validates a name the same way.

/** Lower-case letters, digits and hyphens, starting with a letter: valid for ECS, IAM, S3, DNS labels and SQS. */
export const RESOURCE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** A CloudWatch namespace of our own (AWS/ is reserved for AWS's metrics). */
export const METRIC_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/;
export const S3_BUCKET = /^(?!xn--)(?!.*-s3alias$)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function ipv4ToInt(octets: number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** `cidrsubnet` as Terraform defines it, computed at synth time so the JSON shows literal subnet ranges. */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const newPrefix = prefix + newBits;
  if (newPrefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`cidrSubnet(${cidr}, ${newBits}, ${index}): index out of range`);
  }
  const base = ipv4ToInt(address.split(".").map(Number));
  const subnet = (base + index * 2 ** (32 - newPrefix)) >>> 0;
  const octets = [24, 16, 8, 0].map((shift) => (subnet >>> shift) & 0xff);
  return `${octets.join(".")}/${newPrefix}`;
}
