import { TerraformStack, Testing } from "cdktf";
import { SqsEventSource, SqsEventSourceProps, sqsEventSourceStatement } from "../../../src/constructs/sqs-event-source";
import { resourcesOf, TerraformJson } from "../../helpers";

function synth(props: Partial<SqsEventSourceProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new SqsEventSource(stack, "launcher_source", { queueArn: "arn:aws:sqs:us-west-2:1:jobs", functionName: "launcher", ...props });
  return JSON.parse(Testing.synth(stack));
}

test("partial batch responses, a maximum concurrency, batch size and window as given", () => {
  const mappings = Object.values(resourcesOf(synth({ batchSize: 5, maximumConcurrency: 3 }), "aws_lambda_event_source_mapping"));
  expect(mappings).toHaveLength(1);
  expect(mappings[0]).toEqual({
    event_source_arn: "arn:aws:sqs:us-west-2:1:jobs",
    function_name: "launcher",
    batch_size: 5,
    maximum_batching_window_in_seconds: 0,
    function_response_types: ["ReportBatchItemFailures"],
    scaling_config: { maximum_concurrency: 3 },
  });
});

test("shapes Lambda would refuse fail the synth with the reason", () => {
  expect(() => synth({ batchSize: 50 })).toThrow("batchSize 50 needs a batching window");
  expect(() => synth({ maximumConcurrency: 1 })).toThrow("maximumConcurrency 1 is invalid: expected an integer from 2 up to 1000");
});

test("the function's role may poll that queue only", () => {
  expect(sqsEventSourceStatement("arn:q")).toEqual({
    sid: "PolledQueue",
    actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    resources: ["arn:q"],
  });
});
