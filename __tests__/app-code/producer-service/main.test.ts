/**
 * The producer service's container entry point as a real process (the esbuild bundle the image runs) against
 * fauxqs: it never stops silently, and SIGTERM ends it cleanly.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundleImageEntry } from "../../../tools/local/bundle-worker";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv } from "../../../tools/local/queues";
import { waitFor } from "../wait";

const tmp = mkdtempSync(path.join(tmpdir(), "producer-bundle-"));
let bundle: string;
let fauxqs: FauxqsProcess;

beforeAll(async () => {
  [fauxqs, bundle] = await Promise.all([startFauxqs(), bundleImageEntry("producer-service", path.join(tmp, "producer-service.js"))]);
});
afterAll(async () => {
  await fauxqs.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--no-warnings", "--enable-source-maps", bundle], {
    cwd: tmp,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { text: "" };
  child.stdout.on("data", (d: Buffer) => (output.text += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output.text += d.toString()));
  return { child, output, exited: once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]> };
}

const logLines = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l) as { level: string; message: string; error?: string });

test("a configuration error is logged and exits 1", async () => {
  const { output, exited } = start({ AWS_REGION: "us-east-1", GAP_MIN_SECONDS: "5", GAP_MAX_SECONDS: "1" });
  const [code] = await exited;
  expect(code).toBe(1);
  expect(logLines(output.text)).toEqual([
    expect.objectContaining({ level: "ERROR", message: "producer failed to start", error: expect.stringContaining("GAP_MAX_SECONDS=1 is invalid") }),
  ]);
});

test("sends UNIX times until SIGTERM, then logs its summary and exits 0", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "producer-main", fifo: false });
  const { child, output, exited } = start({ ...localAwsEnv(fauxqs.endpoint), QUEUE_URL: queues.queueUrl, GAP_MIN_SECONDS: "0.05", GAP_MAX_SECONDS: "0.1" });
  await waitFor("two messages", async () => (await queues.main()).ready >= 2, 8000, () => output.text);
  child.kill("SIGTERM");
  const [code] = await exited;
  expect(code).toBe(0);
  const lines = logLines(output.text);
  expect(lines[0]).toMatchObject({ message: "producer started" });
  expect(lines.at(-1)).toMatchObject({ level: "INFO", message: "producer stopped", reason: "SIGTERM" });
  const bodies = (await queues.main()).bodies;
  expect(bodies.every((b) => /^\d{10}$/.test(b) && Math.abs(Number(b) - Date.now() / 1000) < 60)).toBe(true);
  expect(lines.filter((l) => l.message === "sent")).toHaveLength(bodies.length);
});
