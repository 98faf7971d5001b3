/**
 * The first step of every message parser: the body as a JSON object, or why not. Never throws (a body too deeply
 * nested for JSON.parse is "not JSON" too).
 */
export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

export function parseJsonObject(body: string | undefined): JsonObjectResult {
  if (body === undefined) return { ok: false, reason: "empty body" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, reason: "body is not a JSON object" };
  return { ok: true, value: parsed as Record<string, unknown> };
}
