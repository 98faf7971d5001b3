/**
 * References between blocks of a synthesized stack, read from the strings cdktf writes (`${aws_sqs_queue.q.arn}`,
 * `${jsonencode({"Resource" = aws_sqs_queue.q.arn})}`, `${data.aws_iam_policy_document.p.json}`), and a reader
 * for the `${jsonencode(…)}` literals `Fn.jsonencode` produces, so that tools can look inside them.
 */

/** One reference to a block attribute: `aws_sqs_queue.q.arn` or `data.aws_iam_policy_document.p.json`. */
export interface Reference {
  readonly kind: "resource" | "data" | "local" | "var";
  /** Resource or data-source type; for `local.x` / `var.x` the empty string. */
  readonly type: string;
  readonly name: string;
  /** First attribute after the name, if any (`arn`, `json`, `secret_string`). */
  readonly attribute?: string;
  /** The block address it points at: `aws_sqs_queue.q`, `data.aws_iam_policy_document.p`, `local.x`. */
  readonly address: string;
}

// A reference starts after something that cannot be part of an identifier or an attribute path.
const REFERENCE = /(?<![\w.-])(?:(data)\.)?([a-z][a-z0-9]*_[a-z0-9_]+|local|var)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_]\w*))?/g;

/** Every reference inside a string, in order of appearance. */
export function referencesInString(text: string): Reference[] {
  if (!text.includes("${")) return [];
  const found: Reference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const [, data, type, name, attribute] = m;
    if (type === "local" || type === "var") {
      if (data) continue;
      found.push({ kind: type === "local" ? "local" : "var", type: "", name, attribute, address: `${type}.${name}` });
    } else {
      found.push({
        kind: data ? "data" : "resource",
        type,
        name,
        attribute,
        address: data ? `data.${type}.${name}` : `${type}.${name}`,
      });
    }
  }
  return found;
}

/** Every reference anywhere inside a JSON value (strings of nested objects and arrays included). */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") found.push(...referencesInString(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/** True when `value` refers to the block at `address`, optionally only through one of `attributes`. */
export function refersTo(value: unknown, address: string, attributes?: readonly string[]): boolean {
  return referencesIn(value).some(
    (r) => r.address === address && (attributes === undefined || (r.attribute !== undefined && attributes.includes(r.attribute))),
  );
}
