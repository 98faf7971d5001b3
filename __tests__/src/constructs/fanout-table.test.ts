import { TerraformStack, Testing } from "cdktf";
import { FANOUT_TABLE } from "../../../app-code/recursive-fanout/table-schema";
import { FanoutTable, FanoutTableProps } from "../../../src/constructs/fanout-table";
import { suppressionsOf } from "../../../src/suppress";
import { checkStack, unsuppressed } from "../../../tools/check/engine";
import { RULES } from "../../../tools/check/rules";
import { TerraformJson } from "../../../tools/lib/synth";

/** The synthesized tables by name. */
const tablesOf = (json: TerraformJson): Record<string, any> => json.resource?.aws_dynamodb_table ?? {};

/** As `cdktf synth` writes it: with the `//` metadata (suppressions) that Testing.synth strips. */
function synth(props: Partial<FanoutTableProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new FanoutTable(stack, "runs", { name: "fanout-runs", ...props });
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

test("on-demand, keyed and TTL'd as the app code expects, encrypted, recoverable", () => {
  const [{ "//": _meta, ...table }] = Object.values(tablesOf(synth()));
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
    point_in_time_recovery: { enabled: true },
  });
});

test("passes every rule, accepting only the AWS managed key (checkov CKV_AWS_119) with a reason", async () => {
  const json = synth();
  const [table] = Object.values(tablesOf(json));
  expect(Object.keys(suppressionsOf(table))).toEqual(["QS-DDB-002"]);
  expect(unsuppressed(await checkStack({ name: "test", json }, RULES))).toEqual([]);
});

test("point-in-time recovery turned off is a finding (checkov CKV_AWS_28)", async () => {
  const json = synth({ pointInTimeRecovery: false });
  const [[name, table]] = Object.entries(tablesOf(json));
  expect(table.point_in_time_recovery).toEqual({ enabled: false });
  const findings = unsuppressed(await checkStack({ name: "test", json }, RULES));
  expect(findings.map((f) => `${f.address} ${f.rule}`)).toEqual([`aws_dynamodb_table.${name} QS-DDB-001`]);
});
