/**
 * The awstut pattern's message (PATTERNS.md §1.5): the body is the sender's current UNIX time in whole seconds, as
 * decimal text (`"1733050000"`). The producer service writes it, the `unix-time-parity` processor reads it.
 */
import { preview } from "./preview";

export type UnixTimeParse = { ok: true; time: number } | { ok: false; reason: string };

/** Digits only, no sign: the source's `int(msg.body)` would also take "-3" or " 7 ", which no producer of ours sends. */
const UNIX_TIME = /^\d{1,15}$/;

/**
 * Validates a body. Never throws: a bad body (the source's worker died on `int("abc")` and the message returned
 * every 90 s forever) is a result, so the worker can leave it for the dead-letter queue.
 */
export function parseUnixTimeBody(body: string | undefined): UnixTimeParse {
  if (body === undefined || body === "") return { ok: false, reason: "empty body" };
  if (!UNIX_TIME.test(body)) return { ok: false, reason: `body is not a UNIX time in whole seconds: ${preview(body, 60)}` };
  return { ok: true, time: Number(body) };
}

/** The body for the time `nowMs` (milliseconds since the epoch, as Date.now()). */
export function unixTimeBody(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}

export function parity(time: number): "even" | "odd" {
  return time % 2 === 0 ? "even" : "odd";
}
