import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { errorText } from "../shared/preview";
import { unixTimeBody } from "../shared/unix-time-message";
import { gapSeconds, ProducerServiceConfig, retryDelayMs } from "./config";

/** The logging surface the service uses (Powertools' Logger satisfies it). */
export interface ProducerLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface ProducerServiceDeps {
  sqs: SQSClient;
  log: ProducerLog;
  /** Clock for the message body. Default Date.now. */
  now?: () => number;
  /** For the gaps and the retry jitter. Default Math.random. */
  random?: () => number;
}

export interface ProducerServiceStats {
  /** Messages SQS accepted. */
  sent: number;
  /** Send attempts that failed (a call that threw, or an entry SQS reported in `Failed`). */
  failedAttempts: number;
}

/**
 * The awstut producer as a long-running service: sends one message (the current UNIX time) with SendMessageBatch,
 * waits a random 10-60 s, and again, until stopped. A failed send (the call throws after the SDK's own retries,
 * or SQS lists the entry in `Failed`, which the source never looked at) is logged and retried with capped
 * exponential backoff until it succeeds: the service does not skip a message and never gives up while it runs.
 * `run` returns only when its signal aborts (SIGTERM), after logging why: a send in flight then finishes (the
 * client's request timeout bounds it), so the count of messages sent is exact; waits and backoffs end at once.
 */
export class ProducerService {
  readonly stats: ProducerServiceStats = { sent: 0, failedAttempts: 0 };
  private readonly fifo: boolean;

  constructor(
    private readonly config: ProducerServiceConfig,
    private readonly deps: ProducerServiceDeps,
  ) {
    this.fifo = config.queueUrl.endsWith(".fifo");
  }

  async run(signal: AbortSignal): Promise<void> {
    const { config, deps } = this;
    const random = deps.random ?? Math.random;
    deps.log.info("producer started", { queueUrl: config.queueUrl, gapMinSeconds: config.gapMinSeconds, gapMaxSeconds: config.gapMaxSeconds });
    while (!signal.aborted) {
      await this.sendOne(signal);
      if (!(await pause(gapSeconds(config.gapMinSeconds, config.gapMaxSeconds, random) * 1000, signal))) break;
    }
    deps.log.info("producer stopped", { reason: String(signal.reason ?? "stop requested"), ...this.stats });
  }

  /** One message, retried until SQS accepts it or the signal aborts. True when it was sent. */
  async sendOne(signal: AbortSignal): Promise<boolean> {
    const { config, deps } = this;
    const body = unixTimeBody((deps.now ?? Date.now)());
    // One id for every attempt: on a FIFO queue a retry of a send that did arrive is then dropped as a duplicate.
    const dedupId = randomUUID();
    for (let attempt = 1; !signal.aborted; attempt++) {
      let failure: Record<string, unknown>;
      try {
        const res = await deps.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: config.queueUrl,
            Entries: [{ Id: "0", MessageBody: body, ...(this.fifo ? { MessageGroupId: "producer", MessageDeduplicationId: dedupId } : {}) }],
          }),
        );
        const ok = res.Successful?.find((e) => e.Id === "0");
        if (ok) {
          this.stats.sent++;
          deps.log.info("sent", { body, messageId: ok.MessageId, attempt });
          return true;
        }
        const failed = res.Failed?.find((e) => e.Id === "0");
        failure = failed
          ? { code: failed.Code, reason: failed.Message, senderFault: failed.SenderFault }
          : { reason: "SendMessageBatch answered without the entry in Successful or Failed" };
      } catch (err) {
        failure = { error: errorText(err) };
      }
      this.stats.failedAttempts++;
      const delayMs = retryDelayMs(attempt, config.retryBaseMs, config.retryMaxMs, deps.random ?? Math.random);
      deps.log.warn("send failed; retrying", { body, attempt, retryInMs: delayMs, ...failure });
      if (!(await pause(delayMs, signal))) break;
    }
    return false;
  }
}

/** Waits `ms`; false when the signal aborted the wait. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
