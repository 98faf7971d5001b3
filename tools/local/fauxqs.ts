/**
 * Runs the fauxqs SQS server in a child process on a free port, for tests, `npm run local` and the bench.
 *
 * A child process because fauxqs is ESM-only (jest's CommonJS transform cannot import it) and so that its event
 * loop never competes with the worker under test. It exits when the parent closes its stdin, so a crashed test
 * leaves no server behind. stdin/stdout also carry a tiny JSON-lines protocol for exact, non-destructive queue
 * inspection (SQS's own approximate counts lag in fauxqs).
 */
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";
import { createInterface } from "node:readline";

export interface QueueSnapshot {
  /** Messages visible to a receive. */
  ready: number;
  /** Messages received and not yet deleted or made visible again. */
  inflight: number;
  delayed: number;
  /** Bodies of every message still in the queue, ready or in flight. */
  bodies: string[];
}

export interface FauxqsProcess {
  /** `http://127.0.0.1:<port>`: pass it as the SQS client's endpoint. */
  endpoint: string;
  port: number;
  /** Exact counts of a queue by name (undefined if the queue does not exist). */
  inspect(queueName: string): Promise<QueueSnapshot | undefined>;
  stop(): Promise<void>;
}

// Runs inside the child (ESM). Replies `{id, result}` per request line; first line is `{ready, port}`.
const CHILD_SCRIPT = `
import { startFauxqs } from "fauxqs";
import { createInterface } from "node:readline";
const server = await startFauxqs({ port: 0, logger: false });
process.stdout.write(JSON.stringify({ ready: true, port: server.port }) + "\\n");
const stop = async () => { await server.stop().catch(() => {}); process.exit(0); };
process.on("SIGTERM", stop);
const lines = createInterface({ input: process.stdin });
lines.on("close", stop);
lines.on("line", (line) => {
  const { id, queueName } = JSON.parse(line);
  const q = server.inspectQueue(queueName);
  const result = q && {
    ready: q.messages.ready.length,
    inflight: q.messages.inflight.length,
    delayed: q.messages.delayed.length,
    bodies: [...q.messages.ready, ...q.messages.inflight.map((i) => i.message), ...q.messages.delayed].map((m) => m.body),
  };
  process.stdout.write(JSON.stringify({ id, result }) + "\\n");
});
`;

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Starts fauxqs; resolves once it listens. Rejects after `timeoutMs` if it does not come up. */
export function startFauxqs(timeoutMs = 10_000): Promise<FauxqsProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--input-type=module", "--no-warnings", "-e", CHILD_SCRIPT],
    { cwd: PROJECT_ROOT, stdio: "pipe", env: { ...process.env, FAUXQS_LOGGER: "false" } },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const pending = new Map<number, { resolve: (r: QueueSnapshot | undefined) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A server that dies fails the inspections waiting on it (and later ones) at once, instead of leaving the
  // caller to its own timeout.
  const died = () => new Error(`fauxqs is not running (exit code ${child.exitCode}, signal ${child.signalCode}): ${stderr}`);
  // "close" (stdio drained), not "exit": answers already written still resolve.
  child.once("close", () => {
    for (const { reject } of pending.values()) reject(died());
    pending.clear();
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`fauxqs did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fauxqs exited early (code ${code}): ${stderr}`));
    });
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; port?: number; id?: number; result?: QueueSnapshot };
      if (msg.ready && msg.port) {
        clearTimeout(timer);
        const port = msg.port;
        resolve({
          endpoint: `http://127.0.0.1:${port}`,
          port,
          inspect(queueName) {
            if (!running()) return Promise.reject(died());
            const id = nextId++;
            return new Promise((resolve, reject) => {
              pending.set(id, { resolve, reject });
              child.stdin.write(JSON.stringify({ id, queueName }) + "\n");
            });
          },
          async stop() {
            if (running()) {
              child.stdin.end();
              const killTimer = setTimeout(() => child.kill("SIGKILL"), 3000);
              await exited;
              clearTimeout(killTimer);
            }
          },
        });
      } else if (msg.id !== undefined) {
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      }
    });
  });
}
