/**
 * The worker's liveness signal and the container health check that reads it: the contract between the worker
 * (which writes the file, app-code/worker/src/liveness.ts), the task definition (which runs the check,
 * src/constructs/queue-worker-service.ts) and the local run (which runs the same check).
 *
 * The worker writes `{"lastCallAt": <epoch ms>, "maxAgeSeconds": <n>}` every few seconds: when its poll loop last
 * completed an SQS call (or made progress on a job still inside its time limit) and how old that may get before the
 * loop counts as stuck. The worker derives the bound from its own timeouts, so the check needs no copy of them.
 */

/** Where the worker writes its heartbeat in the container: the writable scratch volume (the root is read-only). */
export const CONTAINER_HEARTBEAT_FILE = "/scratch/worker-heartbeat.json";

export interface Heartbeat {
  lastCallAt: number;
  maxAgeSeconds: number;
}

export function heartbeatText(beat: Heartbeat): string {
  return `${JSON.stringify(beat)}\n`;
}

/**
 * The health check, for `node -e <script> <file>`: exit 0 when the heartbeat is at most `maxAgeSeconds` old, exit 1
 * with one line on stderr otherwise (missing, unreadable or stale). Plain JavaScript without dependencies, so it
 * runs in any image that has `node`, without loading the worker's bundle every interval.
 */
export const HEALTH_CHECK_SCRIPT = [
  'const f = process.argv[1]; let h;',
  'try { h = JSON.parse(require("fs").readFileSync(f, "utf8")); } catch (e) { console.error("no worker heartbeat: " + e.message); process.exit(1); }',
  "const age = (Date.now() - h.lastCallAt) / 1000;",
  'if (!(age <= h.maxAgeSeconds)) { console.error("worker poll loop stalled: last call " + age.toFixed(1) + " s ago, allowed " + h.maxAgeSeconds + " s"); process.exit(1); }',
].join(" ");

/** The check as a command line (without Docker's "CMD"): what the local run executes. */
export function healthCheckArgs(file: string): string[] {
  return ["node", "-e", HEALTH_CHECK_SCRIPT, file];
}
