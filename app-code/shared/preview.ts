/**
 * Bounded, never-throwing text for untrusted values in reasons and log lines. A message body is whatever a sender
 * wrote: `JSON.stringify` of a value from it can throw (a 5,000-deep array overflows the stack), be huge (a 250 KB
 * string logged on every receive) or lie (`1e309` parses to Infinity, which JSON prints as `null`).
 */

const DEFAULT_MAX_CHARS = 120;
/** Nesting shown before `[…]` / `{…}`. */
const MAX_DEPTH = 2;
/** Elements or keys shown per array or object. */
const MAX_ITEMS = 5;

/**
 * At most `maxChars` characters (plus a short suffix saying what was cut) describing `value` the way JSON would,
 * except that non-finite numbers read `Infinity`/`NaN`, long strings and collections are cut with their size, and
 * nesting beyond two levels is elided.
 */
export function preview(value: unknown, maxChars = DEFAULT_MAX_CHARS): string {
  let text: string;
  try {
    text = render(value, 0, maxChars);
  } catch {
    text = `[unprintable ${typeof value}]`;
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** An error (or anything thrown) as `Name: message`, bounded like `preview`. */
export function errorText(err: unknown, maxChars = 500): string {
  try {
    if (err instanceof Error) {
      const text = `${String(err.name)}: ${String(err.message)}`;
      return text.length > maxChars ? `${text.slice(0, maxChars)}… (${text.length} chars)` : text;
    }
  } catch {
    // A hostile getter: describe it as a value instead.
  }
  return preview(err, maxChars);
}

function render(value: unknown, depth: number, maxChars: number): string {
  switch (typeof value) {
    case "string": {
      // Room left for the quotes and the size suffix, so the size survives the final cut.
      const keep = Math.max(8, maxChars - 24);
      return value.length > keep ? `${JSON.stringify(value.slice(0, keep))}… (${value.length} chars)` : JSON.stringify(value);
    }
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) {
        if (depth >= MAX_DEPTH) return value.length ? `[… ${value.length} items]` : "[]";
        const shown = value.slice(0, MAX_ITEMS).map((v) => render(v, depth + 1, maxChars));
        if (value.length > MAX_ITEMS) shown.push(`… ${value.length - MAX_ITEMS} more`);
        return `[${shown.join(",")}]`;
      }
      {
        const keys = Object.keys(value);
        if (depth >= MAX_DEPTH) return keys.length ? `{… ${keys.length} keys}` : "{}";
        const shown = keys
          .slice(0, MAX_ITEMS)
          .map((k) => `${render(k, depth + 1, maxChars)}:${render((value as Record<string, unknown>)[k], depth + 1, maxChars)}`);
        if (keys.length > MAX_ITEMS) shown.push(`… ${keys.length - MAX_ITEMS} more`);
        return `{${shown.join(",")}}`;
      }
    default:
      return `[${typeof value}]`;
  }
}
