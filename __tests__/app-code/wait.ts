import { setTimeout as sleep } from "node:timers/promises";

/** Polls `check` until it returns true; throws with `what` and the last observed state after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5000, describe?: () => unknown): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${JSON.stringify(await describe())}` : ""}`);
}
