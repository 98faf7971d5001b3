/**
 * Runs one fault scenario end to end: a FIFO queue with its DLQ on fauxqs, the fault proxy in front of it, real
 * worker processes (the esbuild bundle of worker-entry.ts, the container's worker with a recording processor)
 * talking to SQS only through the proxy, the scenario's faults while they work, then a count of every message.
 *
 * Bounded: a scenario ends when the queue is drained or at its time limit, whichever comes first, and every child
 * it started is stopped (SIGTERM, then SIGKILL) before it returns.
 */
import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createWorkMessages } from "../../app-code/shared/work-message";
import { startStandIns, StandIns } from "../local/aws-stand-ins";
import { bundleWorker } from "../local/bundle-worker";
import { FauxqsProcess, startFauxqs } from "../local/fauxqs";
import { createLocalQueues, LocalQueues, localAwsEnv } from "../local/queues";
import { Random, seededRandom } from "../simulator/random";
import { FaultProxy, startFaultProxy } from "./proxy";

export interface Scenario {
  name: string;
  /** One line for the table's legend. */
  description: string;
  /** Valid messages. */
  messages: number;
  /** Hostile or malformed bodies sent among them (HOSTILE_BODIES, cycled). */
  badBodies: number;
  workers: number;
  concurrency: number;
  /** Work per valid message, uniform in [min, max] seconds. */
  durationSeconds: [number, number];
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  stopTimeoutSeconds: number;
  /** Worker environment on top of the harness's (e.g. SQS_REQUEST_TIMEOUT_SECONDS). */
  env?: Record<string, string>;
  /** The faults: runs while the workers work, resolves when the last fault is over. */
  fault(ctx: FaultContext): Promise<void>;
  /** Hard limit of the whole run. */
  timeoutSeconds: number;
}

export interface FaultContext {
  proxy: FaultProxy;
  pool: WorkerPool;
  random: Random;
  /** True once every valid message was processed and the queue is empty: a storm may stop early. */
  drained(): boolean;
  /** The network is well again: the harness measures how soon processing resumes. */
  recovered(): void;
}

export interface ScenarioResult {
  name: string;
  sent: number;
  bad: number;
  /** Distinct valid messages processed at least once. */
  processed: number;
  /** Valid messages processed more than once. */
  processedTwice: number;
  /** Valid messages neither processed nor anywhere in the queues. */
  lost: number;
  /** Messages still in the work queue at the end. */
  left: number;
  dlqValid: number;
  dlqBad: number;
  wallSeconds: number;
  /** SIGTERM → exit of every SIGTERM the harness sent (storm and final stop), ms, in order. */
  sigtermExitMs: number[];
  /** Exit codes after those SIGTERMs that were not 0. */
  sigtermBadExits: number;
  sigkills: number;
  /** Workers that exited by themselves (e.g. a failed start during a fault); restarted as ECS would. */
  crashes: number;
  /** WARN and ERROR lines the workers logged. */
  warnLines: number;
  /** Connections the proxy's faults broke (0: the fault met no traffic and proved nothing). */
  disruptedConnections: number;
  /** From the end of a network fault to the next completed job, s (network scenarios). */
  resumeSeconds?: number;
  drained: boolean;
}

/** Bodies that must end in the DLQ and must not disturb anything else (issue 14). */
export const HOSTILE_BODIES: readonly string[] = [
  `{"id":"deep","duration":${"[".repeat(5000)}${"]".repeat(5000)}}`,
  `{"id":${"[".repeat(5000)}${"]".repeat(5000)},"duration":1}`,
  `{"id":"huge","duration":"${"x".repeat(250_000)}"}`,
  '{"id":"overflow","duration":1e309}',
  "not json",
  '{"id":"negative","duration":-1}',
  '{"id":"no-duration"}',
  '{"id":"too-long","duration":100000}',
];

export interface ChaosEnvironment {
  fauxqs: FauxqsProcess;
  standIns: StandIns;
  bundle: string;
  dir: string;
  close(): Promise<void>;
}

/** One SQS server, one stand-in for CloudWatch and the ECS agent, one worker bundle, for any number of scenarios. */
export async function startChaosEnvironment(): Promise<ChaosEnvironment> {
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-"));
  const [fauxqs, standIns, bundle] = await Promise.all([
    startFauxqs(),
    startStandIns(),
    bundleWorker(path.join(dir, "worker.js"), "node20", "tools/chaos/worker-entry.ts"),
  ]);
  return {
    fauxqs,
    standIns,
    bundle,
    dir,
    close: async () => {
      await Promise.all([fauxqs.stop(), standIns.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The worker processes of a scenario: start, signal, restart; remembers what every SIGTERM cost. A worker that exits
 * by itself is started again after a second, as an ECS service replaces a stopped task.
 */
export class WorkerPool {
  readonly sigtermExitMs: number[] = [];
  sigtermBadExits = 0;
  sigkills = 0;
  crashes = 0;
  warnLines = 0;
  private readonly children: Array<ChildProcess | undefined>;
  /** Children whose exit the pool caused. */
  private readonly signalled = new WeakSet<ChildProcess>();
  private readonly started = new WeakSet<ChildProcess>();
  private closed = false;

  constructor(
    size: number,
    private readonly bundle: string,
    private readonly env: Record<string, string>,
  ) {
    this.children = Array.from({ length: size }, () => undefined);
  }

  get size(): number {
    return this.children.length;
  }

  start(): void {
    this.children.forEach((_, i) => this.spawn(i));
  }

  /** Resolves when every current worker has logged "worker started"; false after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (performance.now() < end) {
      if (this.children.every((c) => c && this.started.has(c))) return true;
      await sleep(20);
    }
    return false;
  }

  /** SIGKILL worker `i` (nothing released, nothing flushed) and start a new one in its place. */
  async kill(i: number): Promise<void> {
    const child = this.children[i];
    if (!child || !running(child)) return;
    const exited = once(child, "exit");
    this.signalled.add(child);
    child.kill("SIGKILL");
    this.sigkills++;
    await exited;
    this.spawn(i);
  }

  /**
   * SIGTERM worker `i` once it runs (a storm models scale-in of running tasks), wait for it to exit (drain), record
   * how long that took, start a new one.
   */
  async terminate(i: number, restart = true): Promise<void> {
    const child = this.children[i];
    if (!child || !running(child)) return;
    const end = performance.now() + 10_000;
    while (!this.started.has(child) && running(child) && performance.now() < end) await sleep(20);
    if (!running(child)) return;
    const t0 = performance.now();
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    this.signalled.add(child);
    child.kill("SIGTERM");
    // Bounded: the worker must exit within its stop timeout; ECS would SIGKILL it then.
    const stopTimeoutMs = Number(this.env.STOP_TIMEOUT_SECONDS) * 1000;
    const killer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs + 2000);
    const [code] = await exited;
    clearTimeout(killer);
    this.sigtermExitMs.push(Math.round(performance.now() - t0));
    if (code !== 0) this.sigtermBadExits++;
    if (restart) this.spawn(i);
  }

  /** SIGTERM every worker at once and wait for all (the scenario's end). */
  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.children.map((_, i) => this.terminate(i, false)));
  }

  /** Last resort: nothing may be left behind. */
  killAll(): void {
    this.closed = true;
    for (const child of this.children) if (child && running(child)) child.kill("SIGKILL");
  }

  private spawn(i: number): void {
    if (this.closed) return;
    const child = spawn(process.execPath, ["--enable-source-maps", this.bundle], {
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Powertools writes INFO to stdout, WARN and ERROR to stderr (console.warn / console.error).
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = "";
      stream.on("data", (d: Buffer) => {
        pending += d.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (process.env.CHAOS_DEBUG) process.stderr.write(`${line}\n`);
          if (/"level":"(WARN|ERROR|CRITICAL)"/.test(line)) this.warnLines++;
          else if (line.includes('"message":"worker started"')) this.started.add(child);
        }
      });
    }
    child.once("exit", () => {
      if (this.signalled.has(child) || this.closed) return;
      this.crashes++;
      setTimeout(() => {
        if (this.children[i] === child) this.spawn(i);
      }, 1000).unref();
    });
    this.children[i] = child;
  }
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function sendAll(queues: LocalQueues, scenario: Scenario, random: Random): Promise<{ validIds: Set<string>; bad: string[] }> {
  let n = 0;
  const entries = createWorkMessages(
    scenario.messages,
    { durationMinSeconds: scenario.durationSeconds[0], durationMaxSeconds: scenario.durationSeconds[1], groupCount: 10 },
    random,
    () => `${scenario.name}-${n++}`,
  );
  const bad = Array.from({ length: scenario.badBodies }, (_, i) => HOSTILE_BODIES[i % HOSTILE_BODIES.length]);
  // Bad bodies spread evenly among the valid ones, each in a group of its own.
  const all: Array<{ MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string }> = [...entries];
  bad.forEach((body, k) => {
    const at = Math.floor(((k + 1) * entries.length) / (bad.length + 1)) + k;
    all.splice(at, 0, { MessageBody: body, MessageGroupId: `bad-${k}`, MessageDeduplicationId: `bad-${scenario.name}-${k}` });
  });
  // The 250 KB body alone: a batch may carry 256 KiB in all.
  let batch: typeof all = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const res = await queues.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: batch.map((e, i) => ({ ...e, Id: String(i) })) }),
    );
    if (res.Failed?.length) throw new Error(`sending failed: ${JSON.stringify(res.Failed.slice(0, 3))}`);
    batch = [];
  };
  for (const entry of all) {
    if (entry.MessageBody.length > 100_000) {
      await queues.sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, ...entry }));
      continue;
    }
    batch.push(entry);
    if (batch.length === 10) await flush();
  }
  await flush();
  return { validIds: new Set(entries.map((e) => (JSON.parse(e.MessageBody) as { id: string }).id)), bad };
}

/** Lines `<id> <epoch ms>`, one per completed job: completions per id, and every completion time. */
function readRecord(file: string): { counts: Map<string, number>; times: number[] } {
  const counts = new Map<string, number>();
  const times: number[] = [];
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { counts, times };
  }
  for (const line of text.split("\n")) {
    const [id, at] = line.split(" ");
    if (!id) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    times.push(Number(at));
  }
  return { counts, times };
}

/** Runs `scenario` in `env` and counts what happened to every message. */
export async function runScenario(env: ChaosEnvironment, scenario: Scenario, seed = 1): Promise<ScenarioResult> {
  const random = seededRandom(seed);
  const t0 = performance.now();
  const queues = await createLocalQueues(env.fauxqs, {
    name: `chaos-${scenario.name}-${seed}-${Date.now()}`,
    visibilityTimeoutSeconds: scenario.visibilityTimeoutSeconds,
    maxReceiveCount: scenario.maxReceiveCount,
  });
  const { validIds, bad } = await sendAll(queues, scenario, random);
  const proxy = await startFaultProxy(env.fauxqs.port);
  const recordFile = path.join(env.dir, `${scenario.name}-${seed}.processed`);
  writeFileSync(recordFile, "");
  const pool = new WorkerPool(scenario.workers, env.bundle, {
    PATH: process.env.PATH ?? "",
    ...localAwsEnv(proxy.url),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_ENDPOINT_URL_CLOUDWATCH: env.standIns.url,
    ECS_AGENT_URI: env.standIns.url,
    QUEUE_URL: queues.queueUrl,
    WORKER_CONCURRENCY: String(scenario.concurrency),
    RECEIVE_WAIT_SECONDS: "1",
    STOP_TIMEOUT_SECONDS: String(scenario.stopTimeoutSeconds),
    MAX_DURATION_SECONDS: "60",
    METRIC_FLUSH_SECONDS: "60",
    // INFO for the "worker started" line; only WARN and ERROR lines are counted.
    POWERTOOLS_LOG_LEVEL: "INFO",
    CHAOS_RECORD_FILE: recordFile,
    ...scenario.env,
  });

  let drained = false;
  let recoveredAt: number | undefined;
  const checkDrained = async () => {
    const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
    const processed = readRecord(recordFile).counts;
    drained = main.ready + main.inflight + main.delayed === 0 && dlq.ready >= bad.length && [...validIds].every((id) => processed.has(id));
  };
  const deadline = t0 + scenario.timeoutSeconds * 1000;
  try {
    pool.start();
    // Faults begin once every worker polls, so a fault meets running workers (a fault during start-up makes a
    // worker exit 1; the pool restarts it, and counts it).
    await pool.ready(Math.max(0, deadline - performance.now()));
    let faultsOver = false;
    const faults = scenario
      .fault({ proxy, pool, random, drained: () => drained, recovered: () => (recoveredAt = Date.now()) })
      .finally(() => (faultsOver = true));
    while (!(faultsOver && drained) && performance.now() < deadline) {
      await sleep(100);
      await checkDrained();
    }
    await proxy.setMode("pass");
    // Unref'd: once the faults are over, the deadline's timer must not hold the process open.
    await Promise.race([faults, sleep(Math.max(0, deadline - performance.now()), undefined, { ref: false })]);
    await pool.stopAll();
  } finally {
    pool.killAll();
    await proxy.close();
  }
  const disruptedConnections = proxy.disrupted;
  const wallSeconds = (performance.now() - t0) / 1000;

  const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
  const { counts: processed, times } = readRecord(recordFile);
  const firstAfter = recoveredAt === undefined ? undefined : Math.min(...times.filter((t) => t >= recoveredAt!));
  const idOf = (body: string) => {
    try {
      return (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      return undefined;
    }
  };
  const stillThere = new Set([...main.bodies, ...dlq.bodies].map(idOf).filter((id): id is string => typeof id === "string"));
  // typeof, not String(): a hostile id is a 5,000-deep array.
  const dlqValid = dlq.bodies.filter((b) => {
    const id = idOf(b);
    return typeof id === "string" && validIds.has(id);
  }).length;
  return {
    name: scenario.name,
    sent: validIds.size,
    bad: bad.length,
    processed: [...validIds].filter((id) => processed.has(id)).length,
    processedTwice: [...validIds].filter((id) => (processed.get(id) ?? 0) > 1).length,
    lost: [...validIds].filter((id) => !processed.has(id) && !stillThere.has(id)).length,
    left: main.ready + main.inflight + main.delayed,
    dlqValid,
    dlqBad: dlq.ready - dlqValid,
    wallSeconds,
    sigtermExitMs: pool.sigtermExitMs,
    sigtermBadExits: pool.sigtermBadExits,
    sigkills: pool.sigkills,
    crashes: pool.crashes,
    warnLines: pool.warnLines,
    disruptedConnections,
    resumeSeconds: firstAfter !== undefined && Number.isFinite(firstAfter) ? (firstAfter - recoveredAt!) / 1000 : undefined,
    drained,
  };
}
