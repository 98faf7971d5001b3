import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  Message,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import { Consumer } from "sqs-consumer";
import { metricDimensions } from "../../shared/app-metric";
import { errorText } from "../../shared/preview";
import { WorkerConfig } from "./config";
import { Liveness } from "./liveness";
import { Log, safeLog } from "./log";
import { MetricSender, MetricsPublisher } from "./metrics-publisher";
import { ParseResult, Processor } from "./processor";
import { createSleepProcessor } from "./processors/sleep";
import { ReceiveBackoff } from "./receive-backoff";
import { protectionMinutesFor, TaskProtection } from "./task-protection";

export interface WorkerDeps {
  sqs: SQSClient;
  cloudwatch: MetricSender;
  log: Log;
  /** What a message means and how it is processed (see processor.ts). Default: the sleep processor. */
  // `any`: the worker never looks inside a job, it only passes parse's result to process.
  processor?: Processor<any>;
}

export interface WorkerStats {
  received: number;
  /** Processed and deleted. */
  processed: number;
  /** Bad bodies (parse said no, or threw): made visible again at once, for the dead-letter queue. */
  invalid: number;
  /** Processing threw or ran past its time limit: made visible again after a delay, for a retry. */
  failed: number;
  /** Made visible again at shutdown without being processed. */
  released: number;
  deleteFailures: number;
  /** Receives that failed (after the SDK's own retries); each is followed by a backoff. */
  receiveErrors: number;
}

type Outcome = "done" | "failed" | "aborted";

interface Job {
  message: Message;
  messageId: string;
  /** Started processing (not waiting behind its FIFO group any more). */
  started: boolean;
  /** Unknown (Infinity) until started, and for processors that give no estimate. */
  expectedEnd: number;
  abort: AbortController;
  /** Aborted by its time limit rather than by a stop. */
  timedOut: boolean;
  elapsedSeconds: number;
  done: Promise<Outcome>;
  /** Set when `done` settles. */
  outcome?: Outcome;
}

/** Grace past MAX_DURATION_SECONDS before a job is aborted, so a job of exactly the maximum still ends by itself. */
const TIME_LIMIT_GRACE_MS = 1000;

/** Backoff of a DeleteMessageBatch retried after a failure of the whole call. */
const DELETE_RETRY_BASE_MS = 250;
const DELETE_RETRY_MAX_MS = 2000;

/**
 * With short polling (RECEIVE_WAIT_SECONDS=0) an empty receive returns at once; sqs-consumer would poll again at
 * once, and an idle worker would send a receive per round trip (hundreds a second, each a billed request). After
 * an empty short poll the worker waits this long: at most ~10 requests a second while idle, a message waits
 * at most this long more.
 */
export const SHORT_POLL_IDLE_PAUSE_MS = 100;

/** Thrown by the pre-receive hook to skip a receive once the worker is stopping (sqs-consumer reports it as an error). */
const SKIP_RECEIVE = "receive skipped: the worker is stopping";

/** Middleware names must be unique per client; tests may hand one client to several workers. */
let middlewareSerial = 0;

/**
 * The queue worker. sqs-consumer runs the long-poll loop and receives at most `concurrency` messages, only when
 * every slot is free (no prefetch: a prefetched message is hidden from ApproximateNumberOfMessagesVisible, which
 * is what the service scales on). The batch handler here does the rest, the same for every processor: parsing and
 * processing through the processor, each message inside its own error boundary, visibility extension, one
 * DeleteMessageBatch per batch, metrics, task protection and the shutdown decisions.
 */
export class Worker {
  readonly stats: WorkerStats = { received: 0, processed: 0, invalid: 0, failed: 0, released: 0, deleteFailures: 0, receiveErrors: 0 };
  readonly metrics: MetricsPublisher;
  readonly protection: TaskProtection;
  readonly backoff: ReceiveBackoff;
  readonly liveness: Liveness;
  /** Aborted at stop: ends a backoff wait at once. */
  private readonly stopSignal = new AbortController();
  readonly processor: Processor<any>;
  private readonly log: Log;
  private consumer?: Consumer;
  private visibilityTimeoutSeconds = 30;
  /** The last receive returned no message (see SHORT_POLL_IDLE_PAUSE_MS). */
  private lastReceiveEmpty = false;
  private stopping = false;
  private stopped?: Promise<void>;
  /** Set at stop: work that would end later than this is released instead. */
  private stopDeadline = Infinity;
  private readonly active = new Set<Job>();
  /** Tail of the ChangeMessageVisibilityBatch calls, which are sent one after the other (see changeVisibility). */
  private visibilityChanges: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: WorkerConfig,
    private readonly deps: WorkerDeps,
  ) {
    this.log = safeLog(deps.log);
    this.processor = deps.processor ?? createSleepProcessor({ config });
    this.metrics = new MetricsPublisher({
      cloudwatch: deps.cloudwatch,
      namespace: config.metricNamespace,
      metricName: config.appMetricName,
      dimensions: metricDimensions(config.metricType, config.queueName),
      flushSeconds: config.metricFlushSeconds,
      log: this.log,
    });
    this.protection = new TaskProtection({
      agentUri: config.taskProtection ? config.ecsAgentUri : undefined,
      expiresInMinutes: protectionMinutesFor(config.concurrency, config.maxDurationSeconds),
      log: this.log,
    });
    this.backoff = new ReceiveBackoff({ log: this.log });
    this.liveness = new Liveness({
      file: config.heartbeatFile,
      maxAgeSeconds: config.heartbeatMaxAgeSeconds,
      log: this.log,
      busy: () => [...this.active].some((job) => job.started && job.outcome === undefined),
      // A stuck loop must not keep the task from being scaled in.
      onStall: () => void this.protection.unprotect(),
    });
    // Every completed attempt of every SQS call (inside the SDK's retries, so a call retried after a timeout still
    // shows progress per attempt) is progress of the loop.
    deps.sqs.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } finally {
          this.liveness.beat();
        }
      },
      { step: "deserialize", name: `workerLiveness${++middlewareSerial}` },
    );
  }

  /**
   * Reads the queue's visibility timeout (fails fast on a wrong URL or missing permission: the container exits 1
   * and ECS starts another) and starts polling.
   */
  async start(): Promise<void> {
    const { config, deps, log } = this;
    const attrs = await deps.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: config.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
    );
    this.visibilityTimeoutSeconds = Number(attrs.Attributes?.VisibilityTimeout ?? 30);
    // Stopped while reading the queue: nothing in hand, nothing to start.
    if (this.stopping) return;
    const consumer = Consumer.create({
      queueUrl: config.queueUrl,
      sqs: deps.sqs,
      batchSize: config.concurrency,
      waitTimeSeconds: config.receiveWaitSeconds,
      handleMessageBatch: (messages) => this.handleBatch(messages),
      // We delete ourselves, to check each entry of DeleteMessageBatch's answer.
      shouldDeleteMessages: false,
      suppressFifoWarning: true,
      // Group: for running the messages of one FIFO group in order (see handleBatch). Receive count: for the
      // processor and the retry delay of a failed message.
      messageSystemAttributeNames: ["MessageGroupId", "ApproximateReceiveCount"],
      // Every receive error pauses through our backoff, sqs-consumer's own 10 s pause for its list of errors would
      // come on top.
      authenticationErrorTimeout: 0,
      preReceiveMessageCallback: () => this.beforeReceive(),
      postReceiveMessageCallback: async () => this.backoff.success(),
    });
    consumer.on("error", (err, messages) => {
      if (messages !== undefined) {
        log.error("SQS error", { error: errorText(err), queueUrl: config.queueUrl });
      } else if (!this.stopping) {
        // A receive failed (the only error without messages).
        this.stats.receiveErrors++;
        this.backoff.failure(err);
      }
    });
    consumer.on("empty", () => {
      this.lastReceiveEmpty = true;
      void this.protection.unprotect();
    });
    consumer.on("response_processed", () => (this.lastReceiveEmpty = false));
    this.consumer = consumer;
    this.metrics.start();
    consumer.start();
    this.liveness.start();
    log.info("worker started", {
      queueUrl: config.queueUrl,
      processor: this.processor.name,
      concurrency: config.concurrency,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      taskProtection: this.protection.enabled,
      heartbeatFile: config.heartbeatFile,
    });
  }

  /** Waits out the backoff after a failed receive, or the pause after an empty short poll; skips the receive once stopping. */
  private async beforeReceive(): Promise<void> {
    const pauseMs = Math.max(this.backoff.delayMs, this.lastReceiveEmpty && this.config.receiveWaitSeconds === 0 ? SHORT_POLL_IDLE_PAUSE_MS : 0);
    if (pauseMs > 0 && !this.stopping) {
      await sleep(pauseMs, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
    }
    if (this.stopping) throw new Error(SKIP_RECEIVE);
  }

  /**
   * Graceful stop (SIGTERM): no new receives; in-flight messages that can finish before the stop timeout (minus a
   * margin for the deletes and the metric flush) finish, the others are made visible again at once, and whatever
   * still runs at that deadline is aborted and made visible; metrics are flushed and protection is turned off.
   * Idempotent.
   */
  stop(reason = "stop requested"): Promise<void> {
    this.stopped ??= this.doStop(reason);
    return this.stopped;
  }

  private async doStop(reason: string): Promise<void> {
    const { config, log } = this;
    this.stopping = true;
    const stopAt = Date.now();
    const marginMs = Math.min(10_000, config.stopTimeoutSeconds * 250);
    const deadline = stopAt + config.stopTimeoutSeconds * 1000 - marginMs;
    // ECS sends SIGKILL at the stop timeout: everything, the last flush included, must be over before.
    const exitBy = stopAt + config.stopTimeoutSeconds * 1000 - Math.min(1000, marginMs / 2);
    this.stopDeadline = deadline;
    this.stopSignal.abort();
    let aborted = 0;
    // Started work that cannot end in time is released now; work still waiting behind its FIFO group decides
    // when its turn comes (it may fit by then); work without an estimate runs until the deadline.
    for (const job of this.active) {
      if (job.started && Number.isFinite(job.expectedEnd) && job.expectedEnd > deadline) {
        job.abort.abort();
        aborted++;
      }
    }
    const atDeadline = setTimeout(() => this.active.forEach((job) => job.abort.abort()), Math.max(0, deadline - Date.now()));
    log.info("worker stopping", { reason, inFlight: this.active.size, releasing: aborted });
    if (this.consumer) {
      this.consumer.stop();
      // Wait for a pending long poll (its messages are processed if they fit, released otherwise) and for the batch
      // in hand. Polled here at 50 ms rather than through sqs-consumer's pollingCompleteWaitTimeMs, which checks
      // once a second.
      // Half the margin after the deadline: time for the releases of what the deadline aborted.
      const giveUp = deadline + marginMs / 2;
      while (this.consumer.status.isPolling && Date.now() < giveUp) await sleep(50);
      if (this.consumer.status.isPolling) log.warn("stop timeout reached with a batch still in hand; its messages reappear after their visibility timeout");
    }
    clearTimeout(atDeadline);
    const finalSteps = Promise.all([this.metrics.stop(), this.protection.unprotect()]).then(() => true);
    // Unref'd: this guard must not hold the event loop open for up to the stop timeout once the steps are done.
    const finished = await Promise.race([finalSteps, sleep(Math.max(0, exitBy - Date.now()), false, { ref: false })]);
    if (!finished) log.warn("metric flush or protection off cut short by the stop timeout");
    await this.liveness.stop();
    log.info("worker stopped", { ...this.stats, metricCalls: this.metrics.calls });
  }

  private async handleBatch(messages: Message[]): Promise<Message[]> {
    this.stats.received += messages.length;
    try {
      // Not switched on for a batch that arrives after SIGTERM (a poll already under way): the task is going.
      if (!this.stopping) await this.protection.protect();
      const jobs: Job[] = [];
      const invalid: Message[] = [];
      // FIFO: a batch may hold several messages of one group; they run one after the other, in order.
      const groupTail = new Map<string, Promise<Outcome>>();
      for (const message of messages) {
        const parsed = this.parse(message);
        if (parsed.ok) {
          const group = message.Attributes?.MessageGroupId ?? message.MessageId ?? "";
          const job = this.startJob(message, parsed.job, groupTail.get(group));
          groupTail.set(group, job.done);
          jobs.push(job);
        } else {
          invalid.push(message);
          this.log.warn("invalid message left for the dead-letter queue", { messageId: message.MessageId, reason: parsed.reason });
        }
      }
      this.stats.invalid += invalid.length;
      // Visible again at once: the receive count climbs to maxReceiveCount quickly, SQS moves the message to the
      // DLQ, and its FIFO group is not blocked for a whole visibility timeout per attempt.
      const releasingInvalid = this.release(invalid.map((message) => ({ message, seconds: 0 })));
      // Until when the batch's messages are hidden from other consumers: extended by each heartbeat.
      const hidden = { until: Date.now() + this.visibilityTimeoutSeconds * 1000 };
      const heartbeat = this.startHeartbeat(jobs, hidden);
      // A message that will not be deleted goes back the moment that is known, not when the rest of the batch
      // (which may run until the stop deadline) is done.
      const outcomes = await Promise.all(jobs.map((job) => this.settle(job)));
      clearInterval(heartbeat);
      await Promise.all([releasingInvalid, this.deleteFinished(jobs.filter((_, i) => outcomes[i] === "done"), hidden)]);
    } catch (err) {
      // Not reached by anything a message can do (each has its own boundary); kept so the loop never dies. Messages
      // not deleted come back after their visibility timeout.
      this.log.error("batch failed", { error: errorText(err), messageIds: messages.map((m) => m.MessageId) });
    }
    return [];
  }

  /** The processor's parse, with a throw turned into a reason: never throws. */
  private parse(message: Message): ParseResult<unknown> {
    try {
      const parsed = this.processor.parse(message.Body);
      if (parsed?.ok === true || (parsed?.ok === false && typeof parsed.reason === "string")) return parsed;
      return { ok: false, reason: `processor ${this.processor.name} returned no parse result` };
    } catch (err) {
      return { ok: false, reason: `parse threw ${errorText(err, 200)}` };
    }
  }

  private expectedSeconds(job: unknown): number | undefined {
    try {
      const seconds = this.processor.expectedSeconds?.(job);
      return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
    } catch {
      return undefined;
    }
  }

  /** Runs the processing after `after` (the previous message of the same FIFO group) settles. Never rejects. */
  private startJob(message: Message, parsed: unknown, after?: Promise<Outcome>): Job {
    const messageId = message.MessageId ?? "";
    const abort = new AbortController();
    const job: Job = {
      message,
      messageId,
      started: false,
      expectedEnd: Infinity,
      abort,
      timedOut: false,
      elapsedSeconds: 0,
      done: Promise.resolve("done"),
    };
    this.active.add(job);
    const run = async (): Promise<Outcome> => {
      // Behind a message of its group that will come again: this one goes back too, so the group's order holds.
      if (after && (await after) !== "done") return "aborted";
      if (abort.signal.aborted) return "aborted";
      const expected = this.expectedSeconds(parsed);
      job.expectedEnd = expected === undefined ? Infinity : Date.now() + expected * 1000;
      // Stopping before this one started: run it only if it can end in time.
      if (this.stopping && job.expectedEnd > this.stopDeadline) return "aborted";
      job.started = true;
      const limit = setTimeout(() => {
        job.timedOut = true;
        abort.abort();
      }, this.config.maxDurationSeconds * 1000 + TIME_LIMIT_GRACE_MS);
      const started = performance.now();
      try {
        const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
        const ctx = {
          signal: abort.signal,
          log: safeLog(this.deps.log, { messageId }),
          messageId,
          receiveCount: Number.isFinite(receiveCount) ? receiveCount : 1,
          groupId: message.Attributes?.MessageGroupId,
        };
        // A processor may throw synchronously, or settle after we stopped waiting for it: both are caught here.
        const work = Promise.resolve().then(() => this.processor.process(parsed, ctx));
        const result = await Promise.race([
          work.then(
            () => ({ ok: true as const }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
          aborted(abort.signal),
        ]);
        job.elapsedSeconds = (performance.now() - started) / 1000;
        if (result.ok) return "done";
        if (job.timedOut) {
          this.log.error("processing exceeded MAX_DURATION_SECONDS; the message will be retried", {
            messageId,
            maxDurationSeconds: this.config.maxDurationSeconds,
          });
          return "failed";
        }
        if (abort.signal.aborted) return "aborted";
        this.log.error("processing failed; the message will be retried", { messageId, error: errorText(result.error) });
        return "failed";
      } finally {
        clearTimeout(limit);
      }
    };
    job.done = run()
      .catch((err: unknown) => {
        // The error boundary of one message: nothing that goes wrong here reaches the other messages.
        this.log.error("message handling failed; the message will be retried", { messageId, error: errorText(err) });
        return "failed" as const;
      })
      .then((outcome) => {
        job.outcome = outcome;
        this.active.delete(job);
        return outcome;
      });
    return job;
  }

  /** Hands a job's message back as soon as its outcome says so; resolves with the outcome. Never rejects. */
  private async settle(job: Job): Promise<Outcome> {
    const outcome = await job.done;
    if (outcome === "aborted") {
      this.stats.released++;
      await this.release([{ message: job.message, seconds: 0 }]);
    } else if (outcome === "failed") {
      this.stats.failed++;
      await this.release([{ message: job.message, seconds: this.retryDelaySeconds(job.message) }]);
    }
    return outcome;
  }

  /**
   * A failed message comes back after 2^(receive count) s (2, 4, 8 … s, at most the queue's visibility timeout):
   * a transient fault downstream gets time to clear before the next of maxReceiveCount attempts.
   */
  private retryDelaySeconds(message: Message): number {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    const exponent = Number.isFinite(receiveCount) ? Math.min(Math.max(receiveCount, 1), 15) : 1;
    return Math.min(this.visibilityTimeoutSeconds, 2 ** exponent);
  }

  /** Keeps messages of a long batch invisible: renews at half the queue's visibility timeout, until the batch ends. */
  private startHeartbeat(jobs: Job[], hidden: { until: number }): NodeJS.Timeout | undefined {
    if (jobs.length === 0 || this.visibilityTimeoutSeconds < 1) return undefined;
    const timeout = this.visibilityTimeoutSeconds;
    return setInterval(() => {
      // Finished messages are held until the batch's delete; handed-back ones must stay visible.
      const held = jobs.filter((j) => (j.outcome === undefined || j.outcome === "done") && !j.abort.signal.aborted);
      if (held.length === 0) return;
      const sentAt = Date.now();
      this.changeVisibility(held.map((j) => ({ message: j.message, seconds: timeout }))).then(
        () => (hidden.until = Math.max(hidden.until, sentAt + timeout * 1000)),
        (err) => this.log.error("visibility extension failed", { error: errorText(err) }),
      );
    }, (timeout * 1000) / 2);
  }

  /** Makes messages visible again after `seconds`. Not fatal when it fails: they come back after their timeout. */
  private async release(entries: Array<{ message: Message; seconds: number }>): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.changeVisibility(entries);
    } catch (err) {
      this.log.error("could not make messages visible", { error: errorText(err), messageIds: entries.map((e) => e.message.MessageId) });
    }
  }

  /**
   * Sent one after the other, in the order decided: a heartbeat still in flight when a message is released could
   * otherwise reach SQS after the release and hide the message again.
   */
  private changeVisibility(entries: Array<{ message: Message; seconds: number }>): Promise<void> {
    const send = async () => {
      const res = await this.deps.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.config.queueUrl,
          Entries: entries.map((e, i) => ({ Id: String(i), ReceiptHandle: e.message.ReceiptHandle, VisibilityTimeout: e.seconds })),
        }),
      );
      // A batch call succeeds as a whole while single entries fail: those are errors too.
      if (res.Failed?.length) {
        const failed = res.Failed.map((f) => ({ messageId: entries[Number(f.Id)]?.message.MessageId, code: f.Code, message: f.Message }));
        throw new Error(`ChangeMessageVisibilityBatch failed for ${failed.length} of ${entries.length} entries: ${JSON.stringify(failed)}`);
      }
    };
    const call = this.visibilityChanges.then(send);
    this.visibilityChanges = call.catch(() => undefined);
    return call;
  }

  /**
   * One DeleteMessageBatch for the batch's finished messages. A call that fails as a whole (endpoint refusing,
   * timing out, resetting) is retried with backoff for as long as the messages are certainly still hidden (and
   * before the stop deadline): each retry that gets through saves running the work again.
   */
  private async deleteFinished(jobs: Job[], hidden: { until: number }): Promise<void> {
    if (jobs.length === 0) return;
    const command = new DeleteMessageBatchCommand({
      QueueUrl: this.config.queueUrl,
      Entries: jobs.map((j, i) => ({ Id: String(i), ReceiptHandle: j.message.ReceiptHandle })),
    });
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.deps.sqs.send(command);
        const failedIds = new Set((res.Failed ?? []).map((f) => f.Id));
        jobs.forEach((job, i) => {
          if (failedIds.has(String(i))) return;
          this.stats.processed++;
          this.metrics.record(job.elapsedSeconds);
        });
        if (failedIds.size > 0) {
          this.stats.deleteFailures += failedIds.size;
          this.log.error("delete failed; the message will be processed again", { failed: res.Failed });
        }
        return;
      } catch (err) {
        const waitMs = Math.min(DELETE_RETRY_MAX_MS, DELETE_RETRY_BASE_MS * 2 ** attempt);
        // Past `hidden.until` another consumer may hold the message: retrying then saves nothing. (A retry that
        // lands late is harmless: the work is done, at worst the delete fails.)
        if (Date.now() + waitMs < Math.min(hidden.until, this.stopDeadline)) {
          this.log.debug("delete failed; retrying while the messages are hidden", { error: errorText(err), attempt });
          await sleep(waitMs);
          continue;
        }
        this.stats.deleteFailures += jobs.length;
        this.log.error("delete failed; the messages will be processed again", {
          error: errorText(err),
          attempts: attempt + 1,
          messageIds: jobs.map((j) => j.message.MessageId),
        });
        return;
      }
    }
  }
}

/** Resolves (never rejects) when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<{ ok: false; error: unknown }> {
  return new Promise((resolve) => {
    const done = () => resolve({ ok: false, error: signal.reason });
    if (signal.aborted) done();
    else signal.addEventListener("abort", done, { once: true });
  });
}
