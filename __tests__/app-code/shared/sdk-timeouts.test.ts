/**
 * The timeouts helper with the project's real SDK clients (the worker's SQS and CloudWatch clients, the target
 * setter's CloudWatch and Application Auto Scaling clients, the producer's SQS client) against a loopback server
 * that accepts connections and never answers.
 */
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { AddressInfo, createServer, Server, Socket } from "node:net";
import { clientTimeouts, longPollRequestTimeoutMs } from "../../../app-code/shared/sdk-timeouts";
import { createSqsClient } from "../../../app-code/shared/sqs-client";

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((s) => {
    sockets.add(s);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await new Promise((r) => server.close(r));
});

const base = { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts: 1 };

/** The outcome of `call` within 5 s: "TimeoutError" after at least `ms`, or what else happened. */
async function outcome(call: () => Promise<unknown>, ms: number): Promise<string> {
  const t0 = Date.now();
  const hung = new Promise<string>((r) => setTimeout(() => r("still waiting after 5 s"), 5000).unref());
  const result = await Promise.race([call().then(() => "answered", (err: Error) => err.name), hung]);
  return result === "TimeoutError" && Date.now() - t0 < ms - 50 ? "timed out too early" : result;
}

test.each([
  ["SQS ReceiveMessage", () => createSqsClient({}, { ...base, endpoint, ...clientTimeouts(300) }).send(new ReceiveMessageCommand({ QueueUrl: `${endpoint}/1/q` }))],
  ["CloudWatch PutMetricData", () => new CloudWatchClient({ ...base, endpoint, ...clientTimeouts(300) }).send(new PutMetricDataCommand({ Namespace: "n", MetricData: [] }))],
  [
    "Application Auto Scaling DescribeScalingPolicies",
    () => new ApplicationAutoScalingClient({ ...base, endpoint, ...clientTimeouts(300) }).send(new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs" })),
  ],
])("%s against an endpoint that never answers fails with a TimeoutError at the request timeout", async (_name, call) => {
  expect(await outcome(call, 300)).toBe("TimeoutError");
});

test("the SQS client's default request timeout sits above the longest long poll", () => {
  expect(longPollRequestTimeoutMs()).toBe(30_000);
  expect(longPollRequestTimeoutMs(1)).toBe(11_000);
  expect(clientTimeouts()).toEqual({ requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000, throwOnRequestTimeout: true, socketTimeout: 10_000 } });
});
