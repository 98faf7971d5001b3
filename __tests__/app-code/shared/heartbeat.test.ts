/** The container health check, run as the task definition runs it: `node -e <script> <file>`, a real process. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { healthCheckArgs, heartbeatText } from "../../../app-code/shared/heartbeat";

const dir = mkdtempSync(path.join(tmpdir(), "heartbeat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(content?: string): { status: number | null; stderr: string } {
  const file = path.join(dir, `hb-${Math.random()}.json`);
  if (content !== undefined) writeFileSync(file, content);
  const [cmd, ...args] = healthCheckArgs(file);
  const res = spawnSync(cmd === "node" ? process.execPath : cmd, args, { encoding: "utf8" });
  return { status: res.status, stderr: res.stderr.trim() };
}

test("healthy while the last call is within the bound the worker wrote", () => {
  expect(check(heartbeatText({ lastCallAt: Date.now() - 5_000, maxAgeSeconds: 60 }))).toEqual({ status: 0, stderr: "" });
});

test("unhealthy, with one line saying why: stale, missing, unreadable, no bound", () => {
  const stale = check(heartbeatText({ lastCallAt: Date.now() - 90_000, maxAgeSeconds: 60 }));
  expect(stale.status).toBe(1);
  expect(stale.stderr).toMatch(/^worker poll loop stalled: last call 9\d\.\d s ago, allowed 60 s$/);
  expect(check()).toMatchObject({ status: 1, stderr: expect.stringMatching(/^no worker heartbeat: ENOENT/) });
  expect(check("{half")).toMatchObject({ status: 1, stderr: expect.stringMatching(/^no worker heartbeat: /) });
  expect(check(JSON.stringify({ lastCallAt: Date.now() }))).toMatchObject({ status: 1 });
});
