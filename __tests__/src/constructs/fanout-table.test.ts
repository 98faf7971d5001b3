import { TerraformStack, Testing } from "cdktf";
import { FANOUT_TABLE } from "../../../app-code/recursive-fanout/table-schema";
import { FanoutTable } from "../../../src/constructs/fanout-table";
import { resourcesOf } from "../../helpers";

test("on-demand, keyed and TTL'd as the app code expects, encrypted", () => {
  const stack = new TerraformStack(Testing.app(), "test");
  new FanoutTable(stack, "runs", { name: "fanout-runs" });
  const [table] = Object.values(resourcesOf(JSON.parse(Testing.synth(stack)), "aws_dynamodb_table"));
  expect(table).toEqual({
    name: "fanout-runs",
    billing_mode: "PAY_PER_REQUEST",
    hash_key: FANOUT_TABLE.hashKey,
    range_key: FANOUT_TABLE.rangeKey,
    attribute: [
      { name: "runId", type: "S" },
      { name: "nodeId", type: "S" },
    ],
    ttl: { attribute_name: "expiresAt", enabled: true },
    server_side_encryption: { enabled: true },
    point_in_time_recovery: { enabled: false },
  });
});
