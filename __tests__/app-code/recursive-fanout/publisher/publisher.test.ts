/**
 * The publisher Lambda against fauxqs (SQS), the ECS stand-in (DescribeServices) and the CloudWatch stand-in
 * (PutMetricData), through the handler and its environment as in AWS.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { ReceiveMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { handler, logger } from "../../../../app-code/recursive-fanout/publisher/index";
import { loadPublisherConfig, publishBacklogPerTask } from "../../../../app-code/recursive-fanout/publisher/publisher";
import { startStandIns, StandIns } from "../../../../tools/local/aws-stand-ins";
import { EcsStandIn, startEcsStandIn } from "../../../../tools/local/ecs-stand-in";
import { FauxqsProcess, startFauxqs } from "../../../../tools/local/fauxqs";
import { createLocalQueues, localAwsEnv, LocalQueues } from "../../../../tools/local/queues";

logger.setLogLevel("SILENT");
let fauxqs: FauxqsProcess;
let cloudwatch: StandIns;
let ecs: EcsStandIn;
let queues: LocalQueues;
const savedEnv = { ...process.env };

beforeAll(async () => {
  [fauxqs, cloudwatch, ecs] = await Promise.all([startFauxqs(), startStandIns(), startEcsStandIn({ services: { "fanout-worker": 4 } })]);
  queues = await createLocalQueues(fauxqs, { name: "nodes", fifo: false });
  Object.assign(process.env, localAwsEnv(fauxqs.endpoint), {
    AWS_ENDPOINT_URL_ECS: ecs.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
    QUEUE_URL: queues.queueUrl,
    CLUSTER_NAME: "core-infra",
    SERVICE_NAME: "fanout-worker",
    METRIC_NAMESPACE: "Fanout/Recursive",
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([fauxqs.stop(), cloudwatch.close(), ecs.close()]);
});

test("publishes (visible + in flight) ÷ running tasks as BacklogPerTask with the policy's dimensions", async () => {
  await queues.sqs.send(
    new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `{"n":${i}}` })) }),
  );
  await queues.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 2 }));

  const result = await handler();
  expect(result).toMatchObject({ queue: { visible: 8, inFlight: 2, delayed: 0 }, runningTasks: 4, backlog: 10, tasks: 4, value: 2.5 });
  expect(ecs.callsOf("DescribeServices")).toEqual([{ cluster: "core-infra", services: ["fanout-worker"] }]);
  expect(cloudwatch.putMetricData).toEqual([
    {
      Namespace: "Fanout/Recursive",
      MetricData: [
        {
          MetricName: "BacklogPerTask",
          Dimensions: [
            { Name: "QueueName", Value: "nodes" },
            { Name: "ServiceName", Value: "fanout-worker" },
          ],
          Value: 2.5,
          Unit: "None",
        },
      ],
    },
  ]);

  // No task running: the backlog itself, not a division by zero.
  ecs.setRunningCount("fanout-worker", 0);
  expect((await handler()).value).toBe(10);
});

test("a service that does not exist fails the run with the name, and publishes nothing", async () => {
  const before = cloudwatch.putMetricData.length;
  // The handler keeps its first configuration (a warm container), so the logic runs with a fresh one.
  const config = loadPublisherConfig({ ...process.env, SERVICE_NAME: "no-such-service" });
  const deps = { sqs: queues.sqs, ecs: new ECSClient({ endpoint: ecs.url }), cloudwatch: new CloudWatchClient({ endpoint: cloudwatch.url }) };
  await expect(publishBacklogPerTask(config, deps)).rejects.toThrow("service no-such-service in cluster core-infra: MISSING");
  expect(cloudwatch.putMetricData).toHaveLength(before);
});

test("settings: COUNT_IN_FLIGHT is true or false", () => {
  const env = { QUEUE_URL: "http://q/1/nodes", CLUSTER_NAME: "c", SERVICE_NAME: "s", METRIC_NAMESPACE: "n" };
  expect(loadPublisherConfig(env)).toMatchObject({ countInFlight: true, queueName: "nodes", metricName: "BacklogPerTask" });
  expect(loadPublisherConfig({ ...env, COUNT_IN_FLIGHT: "false" }).countInFlight).toBe(false);
  expect(() => loadPublisherConfig({ ...env, COUNT_IN_FLIGHT: "yes" })).toThrow('COUNT_IN_FLIGHT="yes" is invalid: expected one of true, false');
});
