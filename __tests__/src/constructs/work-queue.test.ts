import { Testing } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { WorkQueue, WorkQueueProps } from "../../../src/constructs/work-queue";
import { constructStack, resourcesOf, TerraformJson } from "../../helpers";

function synth(props: WorkQueueProps): { synthesized: string; json: TerraformJson } {
  const stack = constructStack();
  new WorkQueue(stack, "q", props);
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
}

describe("WorkQueue", () => {
  it("refuses a FIFO queue name without the .fifo suffix, and a standard one with it", () => {
    const stack = constructStack();
    expect(
      () => new WorkQueue(stack, "q", { fifo: true, name: "jobs", deadLetterQueueName: "jobs-dlq.fifo", maxProcessingSeconds: 10 }),
    ).toThrow('FIFO queue name "jobs" must end in .fifo');
    expect(() => new WorkQueue(stack, "s", { name: "jobs", deadLetterQueueName: "jobs-dlq.fifo", visibilityTimeoutSeconds: 10 })).toThrow(
      'standard queue name "jobs-dlq.fifo" must not end in .fifo',
    );
  });

  it("needs exactly one of maxProcessingSeconds and visibilityTimeoutSeconds, within SQS's 12 h", () => {
    const stack = constructStack();
    const base = { name: "jobs", deadLetterQueueName: "jobs-dlq" };
    expect(() => new WorkQueue(stack, "a", base)).toThrow("give exactly one of maxProcessingSeconds and visibilityTimeoutSeconds");
    expect(() => new WorkQueue(stack, "b", { ...base, maxProcessingSeconds: 60, visibilityTimeoutSeconds: 90 })).toThrow("exactly one");
    expect(() => new WorkQueue(stack, "c", { ...base, visibilityTimeoutSeconds: 43201 })).toThrow("outside SQS's 0..43200");
  });

  it("standard: no FIFO arguments, the visibility timeout as given, SSE, long polling, DLQ after maxReceiveCount", () => {
    const { synthesized, json } = synth({ name: "jobs", deadLetterQueueName: "jobs-dlq", visibilityTimeoutSeconds: 90, maxReceiveCount: 5 });
    const queues = resourcesOf(json, "aws_sqs_queue");
    expect(queues.q_queue).toEqual(
      expect.objectContaining({ name: "jobs", visibility_timeout_seconds: 90, receive_wait_time_seconds: 20, sqs_managed_sse_enabled: true }),
    );
    for (const q of [queues.q_queue, queues.q_dlq]) {
      expect(q.fifo_queue).toBeUndefined();
      expect(q.content_based_deduplication).toBeUndefined();
    }
    expect(JSON.parse(queues.q_queue.redrive_policy)).toEqual({ deadLetterTargetArn: "${aws_sqs_queue.q_dlq.arn}", maxReceiveCount: 5 });
    expect(synthesized).toHaveResourceWithProperties(SqsQueue, { name: "jobs-dlq", message_retention_seconds: 1209600 });
    expect(synthesized).not.toHaveResource(CloudwatchMetricAlarm);
  });

  it("FIFO: content-based deduplication on both queues, visibility derived from the longest processing time", () => {
    const { json } = synth({ fifo: true, name: "jobs.fifo", deadLetterQueueName: "jobs-dlq.fifo", maxProcessingSeconds: 60 });
    const queues = resourcesOf(json, "aws_sqs_queue");
    for (const q of [queues.q_queue, queues.q_dlq]) expect(q).toMatchObject({ fifo_queue: true, content_based_deduplication: true });
    expect(queues.q_queue.visibility_timeout_seconds).toBe(120);
  });

  it("alarms when the dead-letter queue holds a message, notifying the actions given; a quiet DLQ is not a problem", () => {
    const { synthesized } = synth({
      name: "jobs",
      deadLetterQueueName: "jobs-dlq",
      visibilityTimeoutSeconds: 30,
      deadLetterAlarm: { name: "jobs-dlq-not-empty", actions: ["arn:aws:sns:us-west-2:123456789012:ops"] },
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "jobs-dlq-not-empty",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "${aws_sqs_queue.q_dlq.name}" },
      statistic: "Maximum",
      period: 60,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
      alarm_actions: ["arn:aws:sns:us-west-2:123456789012:ops"],
    });
  });
});
