import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { FANOUT_TABLE } from "../../app-code/recursive-fanout/table-schema";
import { suppressRule } from "../suppress";

export interface FanoutTableProps {
  /** Table name. */
  readonly name: string;
  /**
   * Point-in-time recovery (continuous backups, 35 days by default). @default true: the table is a run's record
   * of which nodes are done, so a bad write or a deleted table is restored from it rather than lost; it is billed
   * per GB-month of table size, which TTL keeps small. `false` is a finding of `npm run check` (QS-DDB-001, which
   * mirrors checkov's CKV_AWS_28).
   */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The recursive fan-out's run table: one item per node and run (the visited set and the lease) plus the run's
 * counters; key schema and TTL attribute from the app code's contract (app-code/recursive-fanout/table-schema.ts).
 * On-demand billing (a run's writes come in bursts and the table is idle between runs: no cost then but storage);
 * TTL deletes a run's items after the days the workers write into `expiresAt`; point-in-time recovery; encrypted
 * at rest with the AWS managed key aws/dynamodb (the suppression of QS-DDB-002 below says why not a customer managed one).
 */
export class FanoutTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: FanoutTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      billingMode: "PAY_PER_REQUEST",
      hashKey: FANOUT_TABLE.hashKey,
      rangeKey: FANOUT_TABLE.rangeKey,
      attribute: [
        { name: FANOUT_TABLE.hashKey, type: "S" },
        { name: FANOUT_TABLE.rangeKey, type: "S" },
      ],
      ttl: { attributeName: FANOUT_TABLE.ttlAttribute, enabled: true },
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
    });
    suppressRule(
      this.table,
      "QS-DDB-002",
      "Holds a run's scratch state: node ids, depths, statuses, leases and counters, no payload or secret, deleted by TTL after days; DynamoDB encrypts it at rest with the AWS managed key aws/dynamodb, and IAM (the worker role's grant on this table) decides who reads it. A customer managed key would add a key to pay for, a key policy to keep and KMS requests, for nothing that needs access control of its own.",
    );
  }
}
