import { loadWorkerConfig } from "../../../app-code/worker/src/config";

test("defaults: blueprint metric names, concurrency 1, 20 s long poll, 120 s stop timeout, queue name from the URL", () => {
  expect(loadWorkerConfig({ QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/demo-processing-queue.fifo" })).toEqual({
    queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/demo-processing-queue.fifo",
    queueName: "demo-processing-queue.fifo",
    metricNamespace: "ECS-SQS-BPI",
    appMetricName: "MsgProcessingDuration",
    metricType: "Single-Queue",
    concurrency: 1,
    maxDurationSeconds: 900,
    stopTimeoutSeconds: 120,
    metricFlushSeconds: 60,
    receiveWaitSeconds: 20,
    sqsRequestTimeoutSeconds: 30,
    heartbeatFile: undefined,
    heartbeatMaxAgeSeconds: 60,
    ecsAgentUri: undefined,
    taskProtection: true,
  });
});

test.each([
  [{}, "QUEUE_URL is required (got null)"],
  [{ QUEUE_URL: "q", WORKER_CONCURRENCY: "11" }, 'WORKER_CONCURRENCY="11" is invalid: expected an integer from 1 up to 10'],
  [{ QUEUE_URL: "q", STOP_TIMEOUT_SECONDS: "600" }, 'STOP_TIMEOUT_SECONDS="600" is invalid: expected a number from 1 up to 120'],
  [{ QUEUE_URL: "q", MAX_DURATION_SECONDS: "0" }, 'MAX_DURATION_SECONDS="0" is invalid: expected a number greater than 0 up to 43200'],
  [{ QUEUE_URL: "q", RECEIVE_WAIT_SECONDS: "30" }, 'RECEIVE_WAIT_SECONDS="30" is invalid: expected an integer from 0 up to 20'],
  [
    { QUEUE_URL: "q", SQS_REQUEST_TIMEOUT_SECONDS: "20" },
    'SQS_REQUEST_TIMEOUT_SECONDS="20" is invalid: expected a number greater than 20 up to 300 (a receive waits up to RECEIVE_WAIT_SECONDS = 20 s for its answer)',
  ],
  [
    { QUEUE_URL: "q", RECEIVE_WAIT_SECONDS: "0", SQS_REQUEST_TIMEOUT_SECONDS: "1", HEARTBEAT_MAX_AGE_SECONDS: "3" },
    'HEARTBEAT_MAX_AGE_SECONDS="3" is invalid: expected a number from 4 up to 3600 (a live loop may be quiet for SQS_REQUEST_TIMEOUT_SECONDS = 1 s + 3 s)',
  ],
  [{ QUEUE_URL: "q", TASK_PROTECTION: "off" }, 'TASK_PROTECTION="off" is invalid: expected one of true, false'],
])("rejects %p", (env, message) => {
  expect(() => loadWorkerConfig(env)).toThrow(message);
});

test("task protection can be turned off (standalone RunTask tasks cannot use it)", () => {
  expect(loadWorkerConfig({ QUEUE_URL: "q", TASK_PROTECTION: "false" }).taskProtection).toBe(false);
  expect(loadWorkerConfig({ QUEUE_URL: "q", TASK_PROTECTION: "true" }).taskProtection).toBe(true);
});

test("the SQS request timeout follows a shorter long poll unless set", () => {
  expect(loadWorkerConfig({ QUEUE_URL: "q", RECEIVE_WAIT_SECONDS: "1" }).sqsRequestTimeoutSeconds).toBe(11);
  expect(loadWorkerConfig({ QUEUE_URL: "q", RECEIVE_WAIT_SECONDS: "0", SQS_REQUEST_TIMEOUT_SECONDS: "0.5" }).sqsRequestTimeoutSeconds).toBe(0.5);
});
