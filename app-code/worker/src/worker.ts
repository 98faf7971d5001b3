import { setTimeout as sleep } from "node:timers/promises";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  Message,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { metricDimensions } from "../../shared/app-metric";
import { parseWorkMessage } from "../../shared/work-message";
import { WorkerConfig } from "./config";
import { Log } from "./log";
import { MetricSender, MetricsPublisher } from "./metrics-publisher";
import { protectionMinutesFor, TaskProtection } from "./task-protection";

export interface WorkerDeps {
  sqs: SQSClient;
  cloudwatch: MetricSender;
  log: Log;
}

export interface WorkerStats {
  received: number;
  /** Processed and deleted. */
  processed: number;
  /** Bad bodies, left for the dead-letter queue. */
  invalid: number;
  /** Made visible again at shutdown without being processed. */
  released: number;
  deleteFailures: number;
}

type Outcome = "done" | "aborted";

interface Job {
  message: Message;
  expectedEnd: number;
  abort: AbortController;
  elapsedSeconds: number;
  done: Promise<Outcome>;
  /** Set when `done` settles. */
  outcome?: Outcome;
}

/**
 * The queue worker. sqs-consumer runs the long-poll loop and receives at most `concurrency` messages, only when
 * every slot is free (no prefetch: a prefetched message is hidden from ApproximateNumberOfMessagesVisible, which
 * is what the service scales on). The batch handler here does the rest: validation, the simulated work,
 * visibility extension, one DeleteMessageBatch per batch, metrics, task protection and the shutdown decisions.
 */
export class Worker {
  readonly stats: WorkerStats = { received: 0, processed: 0, invalid: 0, released: 0, deleteFailures: 0 };
  readonly metrics: MetricsPublisher;
  readonly protection: TaskProtection;
  private consumer?: Consumer;
  private visibilityTimeoutSeconds = 30;
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
    this.metrics = new MetricsPublisher({
      cloudwatch: deps.cloudwatch,
      namespace: config.metricNamespace,
      metricName: config.appMetricName,
      dimensions: metricDimensions(config.metricType, config.queueName),
      flushSeconds: config.metricFlushSeconds,
      log: deps.log,
    });
    this.protection = new TaskProtection({
      agentUri: config.ecsAgentUri,
      expiresInMinutes: protectionMinutesFor(config.concurrency, config.maxDurationSeconds),
      log: deps.log,
    });
  }

  /** Reads the queue's visibility timeout (fails fast on a wrong URL or missing permission) and starts polling. */
  async start(): Promise<void> {
    const { config, deps } = this;
    const attrs = await deps.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: config.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
    );
    this.visibilityTimeoutSeconds = Number(attrs.Attributes?.VisibilityTimeout ?? 30);
    const consumer = Consumer.create({
      queueUrl: config.queueUrl,
      sqs: deps.sqs,
      batchSize: config.concurrency,
      waitTimeSeconds: config.receiveWaitSeconds,
      handleMessageBatch: (messages) => this.handleBatch(messages),
      // We delete ourselves, to check each entry of DeleteMessageBatch's answer.
      shouldDeleteMessages: false,
      suppressFifoWarning: true,
      // For running the messages of one FIFO group in order (see handleBatch).
      messageSystemAttributeNames: ["MessageGroupId"],
    });
    consumer.on("error", (err) => deps.log.error("SQS error", { error: String(err), queueUrl: config.queueUrl }));
    consumer.on("empty", () => void this.protection.unprotect());
    this.consumer = consumer;
    this.metrics.start();
    consumer.start();
    deps.log.info("worker started", {
      queueUrl: config.queueUrl,
      concurrency: config.concurrency,
      visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
      taskProtection: this.protection.enabled,
    });
  }

  /**
   * Graceful stop (SIGTERM): no new receives; in-flight messages that can finish before the stop timeout (minus a
   * margin for the deletes and the metric flush) finish, the others are made visible again at once; metrics are
   * flushed and protection is turned off. Idempotent.
   */
  stop(reason = "stop requested"): Promise<void> {
    this.stopped ??= this.doStop(reason);
    return this.stopped;
  }

  private async doStop(reason: string): Promise<void> {
    const { config, deps } = this;
    this.stopping = true;
    const marginMs = Math.min(10_000, config.stopTimeoutSeconds * 250);
    const deadline = Date.now() + config.stopTimeoutSeconds * 1000 - marginMs;
    this.stopDeadline = deadline;
    let aborted = 0;
    // Started work that cannot end in time is released now; work still waiting behind its FIFO group decides
    // when its turn comes (it may fit by then).
    for (const job of this.active) {
      if (Number.isFinite(job.expectedEnd) && job.expectedEnd > deadline) {
        job.abort.abort();
        aborted++;
      }
    }
    deps.log.info("worker stopping", { reason, inFlight: this.active.size, releasing: aborted });
    if (this.consumer) {
      this.consumer.stop();
      // Wait for a pending long poll (its messages are released at once) and for the batch in hand. Polled here
      // at 50 ms rather than through sqs-consumer's pollingCompleteWaitTimeMs, which checks once a second.
      const giveUp = Date.now() + config.stopTimeoutSeconds * 1000;
      while (this.consumer.status.isPolling && Date.now() < giveUp) await sleep(50);
      if (this.consumer.status.isPolling) deps.log.warn("stop timeout reached with a batch still in hand; its messages reappear after their visibility timeout");
    }
    await this.metrics.stop();
    await this.protection.unprotect();
    deps.log.info("worker stopped", { ...this.stats, metricCalls: this.metrics.calls });
  }

  private async handleBatch(messages: Message[]): Promise<Message[]> {
    const { deps } = this;
    this.stats.received += messages.length;
    try {
      if (this.stopping) {
        // Received by a poll that was already under way at SIGTERM: hand them straight back.
        await this.makeVisible(messages);
        this.stats.released += messages.length;
        return [];
      }
      await this.protection.protect();
      if (this.stopping) {
        // SIGTERM came while protection was being switched on: none of these has started.
        await this.makeVisible(messages);
        this.stats.released += messages.length;
        return [];
      }
      const jobs: Job[] = [];
      const invalid: Message[] = [];
      // FIFO: a batch may hold several messages of one group; they run one after the other, in order.
      const groupTail = new Map<string, Promise<Outcome>>();
      for (const message of messages) {
        const parsed = parseWorkMessage(message.Body, this.config.maxDurationSeconds);
        if (parsed.ok) {
          const group = message.Attributes?.MessageGroupId ?? message.MessageId ?? "";
          const job = this.startJob(message, parsed.message.duration, groupTail.get(group));
          groupTail.set(group, job.done);
          jobs.push(job);
        } else {
          invalid.push(message);
          deps.log.warn("invalid message left for the dead-letter queue", { messageId: message.MessageId, reason: parsed.reason });
        }
      }
      this.stats.invalid += invalid.length;
      // Visible again at once: the receive count climbs to maxReceiveCount quickly, SQS moves the message to the
      // DLQ, and its FIFO group is not blocked for a whole visibility timeout per attempt.
      const releasingInvalid = this.makeVisible(invalid);
      const heartbeat = this.startHeartbeat(jobs);
      // A message that will not be processed goes back the moment that is known, not when the rest of the batch
      // (which may run until the stop deadline) is done.
      const releasingAborted = jobs.map(async (job) => {
        if ((await job.done) !== "aborted") return;
        this.stats.released++;
        await this.makeVisible([job.message]);
      });
      const outcomes = await Promise.all(jobs.map((j) => j.done));
      clearInterval(heartbeat);
      const finished = jobs.filter((_, i) => outcomes[i] === "done");
      await Promise.all([releasingInvalid, ...releasingAborted, this.deleteFinished(finished)]);
    } catch (err) {
      // Never let the loop die on one batch; undeleted messages come back after their visibility timeout.
      deps.log.error("batch failed", { error: String(err), messageIds: messages.map((m) => m.MessageId) });
    }
    return [];
  }

  /** Runs the (simulated) work after `after` (the previous message of the same FIFO group) settles. */
  private startJob(message: Message, durationSeconds: number, after?: Promise<Outcome>): Job {
    const abort = new AbortController();
    const job: Job = { message, expectedEnd: Infinity, abort, elapsedSeconds: 0, done: Promise.resolve("done") };
    this.active.add(job);
    const run = async (): Promise<Outcome> => {
      // Behind a released message of its group: release this one too, so the group's order holds.
      if ((await after) === "aborted") return "aborted";
      job.expectedEnd = Date.now() + durationSeconds * 1000;
      // Stopping before this one started: run it only if it can end in time.
      if (abort.signal.aborted || job.expectedEnd > this.stopDeadline) return "aborted";
      const started = performance.now();
      try {
        await sleep(durationSeconds * 1000, undefined, { signal: abort.signal });
      } catch {
        return "aborted";
      }
      job.elapsedSeconds = (performance.now() - started) / 1000;
      return "done";
    };
    job.done = run().then((outcome) => {
      job.outcome = outcome;
      this.active.delete(job);
      return outcome;
    });
    return job;
  }

  /** Keeps messages of a long batch invisible: renews at half the queue's visibility timeout, until the batch ends. */
  private startHeartbeat(jobs: Job[]): NodeJS.Timeout | undefined {
    if (jobs.length === 0 || this.visibilityTimeoutSeconds < 1) return undefined;
    const timeout = this.visibilityTimeoutSeconds;
    return setInterval(() => {
      // Finished messages are held until the batch's delete; released ones must stay visible.
      const held = jobs.filter((j) => j.outcome !== "aborted" && !j.abort.signal.aborted).map((j) => j.message);
      if (held.length === 0) return;
      this.changeVisibility(held, timeout).catch((err) =>
        this.deps.log.error("visibility extension failed", { error: String(err) }),
      );
    }, (timeout * 1000) / 2);
  }

  private async makeVisible(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.changeVisibility(messages, 0);
    } catch (err) {
      // Not fatal: they become visible when their visibility timeout ends.
      this.deps.log.error("could not make messages visible", { error: String(err), messageIds: messages.map((m) => m.MessageId) });
    }
  }

  /**
   * Sent one after the other, in the order decided: a heartbeat still in flight when a message is released could
   * otherwise reach SQS after the release and hide the message again.
   */
  private changeVisibility(messages: Message[], visibilityTimeout: number): Promise<void> {
    const send = async () => {
      const res = await this.deps.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.config.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: visibilityTimeout })),
        }),
      );
      // A batch call succeeds as a whole while single entries fail: those are errors too.
      if (res.Failed?.length) {
        const failed = res.Failed.map((f) => ({ messageId: messages[Number(f.Id)]?.MessageId, code: f.Code, message: f.Message }));
        throw new Error(`ChangeMessageVisibilityBatch failed for ${failed.length} of ${messages.length} entries: ${JSON.stringify(failed)}`);
      }
    };
    const call = this.visibilityChanges.then(send);
    this.visibilityChanges = call.catch(() => undefined);
    return call;
  }

  private async deleteFinished(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      const res = await this.deps.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.config.queueUrl,
          Entries: jobs.map((j, i) => ({ Id: String(i), ReceiptHandle: j.message.ReceiptHandle })),
        }),
      );
      const failedIds = new Set((res.Failed ?? []).map((f) => f.Id));
      jobs.forEach((job, i) => {
        if (failedIds.has(String(i))) return;
        this.stats.processed++;
        this.metrics.record(job.elapsedSeconds);
      });
      if (failedIds.size > 0) {
        this.stats.deleteFailures += failedIds.size;
        this.deps.log.error("delete failed; the message will be processed again", { failed: res.Failed });
      }
    } catch (err) {
      this.stats.deleteFailures += jobs.length;
      this.deps.log.error("delete failed; the messages will be processed again", {
        error: String(err),
        messageIds: jobs.map((j) => j.message.MessageId),
      });
    }
  }
}
