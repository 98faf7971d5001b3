/**
 * `npm run local -- --stack sqs-task-per-message | sqs-recursive-fanout` as a user runs them (a child process, small
 * sizes): each stops by itself with exit code 0 and its summary, and leaves nothing behind (its SQS server's port
 * is closed, the job bundle's folder is gone).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

async function runLocal(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", "tools/local.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, output };
}

/** True when something still listens on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

const portOf = (output: string, what: string) => Number(new RegExp(`${what} on http://127\\.0\\.0\\.1:(\\d+)`).exec(output)?.[1]);

test.concurrent("task per message: every job done or in the DLQ, then nothing left running", async () => {
  const { code, output } = await runLocal(["--stack", "sqs-task-per-message", "--jobs", "1", "--max-running", "10", "--visibility", "1", "--max-receive", "3", "--timeout", "60"]);
  expect({ code, tail: output.slice(-1500) }).toEqual({ code: 0, tail: expect.stringContaining("OK: every job done or in the DLQ, none lost, no task for a malformed message") });
  expect(output).toContain("ok   always-fails: 3 tasks, then once in the DLQ");
  expect(output).toContain("ok   malformed: all 3 in the DLQ, no task started for any");
  expect(await listening(portOf(output, "fauxqs"))).toBe(false);
  expect(existsSync(/job bundle in (\S+)/.exec(output)![1])).toBe(false);
}, 60_000);

test.concurrent("recursive fan-out: a graph with cycles run to completion by three workers, then nothing left running", async () => {
  const { code, output } = await runLocal(["--stack", "sqs-recursive-fanout", "--branching", "3", "--depth", "3", "--workers", "3", "--timeout", "60"]);
  expect({ code, tail: output.slice(-1500) }).toEqual({ code: 0, tail: expect.stringContaining("OK: every node processed, none posted twice, the run complete") });
  expect(output).toContain("ok   every node processed at least once (40 of 40)");
  expect(await listening(portOf(output, "fauxqs"))).toBe(false);
  expect(await listening(portOf(output, "dynalite"))).toBe(false);
}, 60_000);
