/**
 * `npm run local -- --stack sqs-scale-to-zero [--minute-ms 300 --bursts 2 --messages 3 --job-minutes 2 --start-minutes 1]`
 *
 * The scale-to-zero pattern on this machine: fauxqs (SQS) on loopback with the stack's queue and DLQ, and the
 * worker (app-code/worker, the sleep processor, as the task definition starts it) started from nothing when
 * messages arrive and stopped when the queue is idle. Time runs fast: one minute lasts `--minute-ms`.
 *
 * A stand-in, documented as such: CloudWatch, Application Auto Scaling and ECS do not run here. In their place
 * this run samples the queue's exact counts, forms the stack's datapoints (the Maximum per alarm period),
 * evaluates the stack's own alarm rules with the same module the stack synthesizes them from
 * (src/scaling/scale-to-zero.ts, src/scaling/alarm.ts), applies the step the alarm's policy would (+1 task /
 * exactly 0 tasks, src/scaling/step-adjustment.ts), and starts or stops worker tasks like ECS: a task starts
 * `--start-minutes` after the desired count rises, and a task under scale-in protection is stopped only once its
 * protection is off, then with SIGTERM (the worker drains). What it leaves out: SQS's publication delay of the
 * metric, the scale-out cooldown's finer rules (with at most one task they change nothing), the backlog-per-task
 * policy of a maximum above 1 (only the 0 -> 1 step is stood in for), and the CPU idle signal (no CPU model here:
 * the simulator has one).
 *
 * Exit code 0 when every burst started a task from zero, every message was processed once, no message was
 * interrupted, and the service went back to zero after each burst.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import { AlarmRule, AlarmState, evaluateAlarm } from "../../src/scaling/alarm";
import { ScaleToZeroPlan, scaleToZeroPlan } from "../../src/scaling/scale-to-zero";
import { adjustedCapacity, matchingStep } from "../../src/scaling/step-adjustment";
import { loadSettings, settingsSourceFromEnv } from "../../src/settings";
import { numberOptions } from "./local-options";
import { createLocalWorker, LocalEnvironment, LocalWorker, startLocalEnvironment } from "./run";

/**
 * One alarm as CloudWatch runs it, fed samples: the Maximum of each period becomes a datapoint (a period without
 * samples is a gap), and after each datapoint the alarm's rule gives its state.
 */
export class AlarmStandIn {
  readonly datapoints: Array<number | undefined> = [];
  state: AlarmState = "INSUFFICIENT_DATA";
  private periodMax: number | undefined;

  constructor(readonly rule: AlarmRule) {}

  sample(value: number): void {
    this.periodMax = this.periodMax === undefined ? value : Math.max(this.periodMax, value);
  }

  /** Ends the period: its datapoint, then the new state. */
  closePeriod(): AlarmState {
    this.datapoints.push(this.periodMax);
    this.periodMax = undefined;
    this.state = evaluateAlarm(this.rule, this.datapoints, this.state);
    return this.state;
  }
}

interface Task {
  readonly local: LocalWorker;
  readonly startedAt: number;
  stopping?: Promise<void>;
}

interface Burst {
  readonly sentAt: number;
  readonly messages: number;
  runningAt?: number;
  doneAt?: number;
  zeroAt?: number;
}

export interface ScaleToZeroRun {
  readonly bursts: readonly Burst[];
  readonly taskStarts: number;
  readonly processed: number;
  readonly sent: number;
  readonly interrupted: number;
  readonly dlq: number;
  readonly ok: boolean;
}

/** The run itself, on a started local environment; `log` gets one line per event. */
export async function scaleToZeroRun(
  env: LocalEnvironment,
  plan: ScaleToZeroPlan,
  o: { minuteMs: number; bursts: number; messages: number; jobMinutes: number; startMinutes: number; timeoutMinutes: number },
  log: (line: string) => void,
): Promise<ScaleToZeroRun> {
  const { queues } = env;
  const t0 = Date.now();
  const minutes = (at = Date.now()) => ((at - t0) / o.minuteMs).toFixed(1);
  const scaleOut = new AlarmStandIn(plan.scaleOut.alarm);
  const idle = new AlarmStandIn(plan.idle.alarm);
  const periodTicks = (rule: AlarmRule) => rule.periodSeconds / 60;
  const bounds = { minCapacity: plan.minCapacity, maxCapacity: plan.maxCapacity };
  let desired = plan.minCapacity;
  let scaleOutCooldownUntil = -Infinity;
  const tasks: Task[] = [];
  const pendingStarts: number[] = [];
  const bursts: Burst[] = [];
  let taskStarts = 0;
  let stoppedProcessed = 0;
  let stoppedReleased = 0;
  const processed = () => stoppedProcessed + tasks.reduce((n, t) => n + t.local.worker.stats.processed, 0);
  const sent = () => bursts.reduce((n, b) => n + b.messages, 0);

  const sendBurst = async () => {
    const n = bursts.length;
    const entries = Array.from({ length: o.messages }, (_, i) => ({
      Id: String(i),
      MessageBody: JSON.stringify({ id: `burst${n + 1}-${i + 1}`, duration: (o.jobMinutes * o.minuteMs) / 1000 }),
      ...(queues.queueName.endsWith(".fifo") ? { MessageGroupId: `job-${n}-${i}` } : {}),
    }));
    const res = await queues.sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: entries }));
    if (res.Failed?.length) throw new Error(`sending burst ${n + 1} failed: ${JSON.stringify(res.Failed)}`);
    bursts.push({ sentAt: Date.now(), messages: o.messages });
    log(`minute ${minutes()}: burst ${n + 1}, ${o.messages} message(s) of ${o.jobMinutes} minute(s) each`);
  };

  const invoke = (which: "scaleOut" | "idle", value: number) => {
    const policy = plan[which];
    const step = matchingStep(policy.steps, value, policy.alarm.threshold, policy.alarm.comparison);
    if (!step) return;
    if (which === "scaleOut" && Date.now() < scaleOutCooldownUntil) return;
    const next = adjustedCapacity(desired, policy.adjustmentType, step.change, bounds);
    if (next === desired) return;
    log(`minute ${minutes()}: ${which === "scaleOut" ? "scale-out" : "idle"} alarm in ALARM (datapoint ${value}) -> desired count ${desired} -> ${next}`);
    if (which === "scaleOut") scaleOutCooldownUntil = Date.now() + (policy.cooldownSeconds / 60) * o.minuteMs;
    desired = next;
  };

  // ECS: start tasks up to the desired count (after the start latency), stop unprotected ones above it (SIGTERM).
  const reconcile = () => {
    const now = Date.now();
    const live = tasks.filter((t) => !t.stopping);
    while (live.length + pendingStarts.length < desired) pendingStarts.push(now + o.startMinutes * o.minuteMs);
    while (pendingStarts.length > 0 && live.length + pendingStarts.length > desired) pendingStarts.pop();
    for (let i = pendingStarts.length - 1; i >= 0; i--) {
      if (pendingStarts[i] > now) continue;
      pendingStarts.splice(i, 1);
      const local = createLocalWorker(
        env,
        { WORKER_PROCESSOR: "sleep", RECEIVE_WAIT_SECONDS: "1", STOP_TIMEOUT_SECONDS: "10", METRIC_FLUSH_SECONDS: "5", MAX_DURATION_SECONDS: "3600" },
        undefined,
        true,
      );
      const task: Task = { local, startedAt: now };
      tasks.push(task);
      live.push(task);
      taskStarts++;
      void local.worker.start();
      const burst = bursts.at(-1);
      if (burst && burst.runningAt === undefined) burst.runningAt = now;
      log(`minute ${minutes()}: task ${taskStarts} running (started from ${live.length - 1} task(s))`);
    }
    for (const task of live.slice(desired)) {
      if (task.local.worker.protection.isProtected) continue; // ECS does not stop a protected task
      log(`minute ${minutes()}: task stopped (SIGTERM, scale-in; it held no message: protection off)`);
      task.stopping = task.local.worker.stop("SIGTERM (scale-in)").then(() => {
        stoppedProcessed += task.local.worker.stats.processed;
        stoppedReleased += task.local.worker.stats.released;
        tasks.splice(tasks.indexOf(task), 1);
      });
    }
  };

  const tickMs = o.minuteMs / 10;
  const deadline = t0 + o.timeoutMinutes * o.minuteMs;
  let tick = 0;
  await sleep(o.minuteMs);
  await sendBurst();
  while (Date.now() < deadline) {
    await sleep(tickMs);
    tick++;
    const counts = await queues.main();
    const running = tasks.filter((t) => !t.stopping).length;
    scaleOut.sample(plan.scaleOut.metric === "visible-while-no-task" && running > 0 ? 0 : counts.ready);
    idle.sample(counts.ready + counts.inflight);
    if (tick % (10 * periodTicks(scaleOut.rule)) === 0 && scaleOut.closePeriod() === "ALARM") invoke("scaleOut", scaleOut.datapoints.at(-1) ?? Infinity);
    if (tick % (10 * periodTicks(idle.rule)) === 0 && idle.closePeriod() === "ALARM") invoke("idle", idle.datapoints.at(-1) ?? 0);
    reconcile();

    const burst = bursts.at(-1)!;
    if (burst.doneAt === undefined && processed() >= sent()) burst.doneAt = Date.now();
    if (burst.doneAt !== undefined && burst.zeroAt === undefined && tasks.length === 0 && desired === 0) {
      burst.zeroAt = Date.now();
      log(`minute ${minutes()}: 0 tasks again`);
      if (bursts.length === o.bursts) break;
      await sleep(o.minuteMs);
      await sendBurst();
    }
  }
  await Promise.all(tasks.map((t) => t.stopping ?? t.local.worker.stop("end of run")));
  for (const t of tasks) {
    stoppedProcessed += t.local.worker.stats.processed;
    stoppedReleased += t.local.worker.stats.released;
  }
  const [main, dlq] = await Promise.all([queues.main(), queues.dlq()]);
  const result = {
    bursts,
    taskStarts,
    processed: stoppedProcessed,
    sent: sent(),
    interrupted: stoppedReleased,
    dlq: dlq.ready,
    ok: false,
  };
  const everyBurst = bursts.length === o.bursts && bursts.every((b) => b.runningAt !== undefined && b.zeroAt !== undefined);
  result.ok = everyBurst && result.processed === result.sent && result.interrupted === 0 && result.dlq === 0 && main.ready + main.inflight === 0;
  return result;
}

export async function runScaleToZeroLocally(argv: string[]): Promise<number> {
  const o = numberOptions(argv, {
    "minute-ms": { default: 300, min: 20, max: 60_000, integer: true, doc: "real milliseconds per simulated minute" },
    bursts: { default: 2, min: 1, max: 10, integer: true, doc: "bursts of messages, each after the service is back at zero" },
    messages: { default: 3, min: 1, max: 10, integer: true, doc: "messages per burst (one SendMessageBatch)" },
    "job-minutes": { default: 2, min: 0, max: 60, doc: "work per message, in simulated minutes" },
    "start-minutes": { default: 1, min: 0, max: 10, doc: "a task's start time, in simulated minutes" },
    timeout: { default: 200, min: 10, max: 10_000, doc: "longest run, in simulated minutes" },
  });
  const settings = loadSettings(settingsSourceFromEnv(process.env)).stacks["sqs-scale-to-zero"];
  if (settings.idleSignal === "cpu") {
    throw new Error("idleSignal cpu cannot be stood in for locally (no CPU model here; the simulator has one); run it with idleSignal queue");
  }
  const plan = scaleToZeroPlan(settings);
  const minuteMs = o["minute-ms"];
  // The queue's visibility timeout in simulated time, at least 2 s (the heartbeat renews at half of it).
  const visibility = Math.max(2, Math.ceil(((plan.worker.visibilityTimeoutSeconds / 60) * minuteMs) / 1000));
  const env = await startLocalEnvironment(`${settings.name}-queue`, visibility, {
    fifo: settings.queueType === "fifo",
    maxReceiveCount: plan.worker.maxReceiveCount,
  });
  try {
    console.log(
      `fauxqs on ${env.fauxqs.endpoint}; queue ${env.queues.queueName}; one minute = ${minuteMs} ms. Stand-in for the alarms (not CloudWatch): ` +
        `scale out on ${plan.scaleOut.metric} ≥ ${plan.scaleOut.alarm.threshold} (${plan.scaleOut.alarm.statistic}, ${plan.scaleOut.alarm.periodSeconds / 60} min); ` +
        `idle = visible + in flight ≤ ${plan.idle.alarm.threshold} in ${plan.idle.alarm.datapointsToAlarm} of ${plan.idle.alarm.evaluationPeriods} one-minute datapoints -> 0 tasks` +
        (plan.backlogTracking ? `; maxCapacity ${plan.maxCapacity}: the backlog-per-task policy is not stood in for` : ""),
    );
    const run = await scaleToZeroRun(
      env,
      plan,
      { minuteMs, bursts: o.bursts, messages: o.messages, jobMinutes: o["job-minutes"], startMinutes: o["start-minutes"], timeoutMinutes: o.timeout },
      (line) => console.log(line),
    );
    const at = (from: number, to?: number) => (to === undefined ? "never" : `${((to - from) / minuteMs).toFixed(1)} min`);
    console.log("\nsummary");
    run.bursts.forEach((b, i) =>
      console.log(
        `  burst ${i + 1}      ${b.messages} message(s): first task running after ${at(b.sentAt, b.runningAt)}, all done after ${at(b.sentAt, b.doneAt)}, ` +
          `back to 0 tasks ${b.doneAt === undefined ? "never" : `${at(b.doneAt, b.zeroAt)} after the last one`}`,
      ),
    );
    console.log(`  tasks started ${run.taskStarts} (each from zero)`);
    console.log(`  processed     ${run.processed} of ${run.sent}; interrupted ${run.interrupted}; in DLQ ${run.dlq}`);
    console.log(run.ok ? "OK: each burst started the worker from zero, every message was processed once, the worker stopped when idle" : "FAILED: see the counts above");
    return run.ok ? 0 : 1;
  } finally {
    await env.close();
  }
}
