import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { FANOUT_TABLE } from "../../app-code/recursive-fanout/table-schema";

export interface FanoutTableProps {
  /** Table name. */
  readonly name: string;
  /** Point-in-time recovery (continuous backups). @default false: the records are a run's scratch state, kept days */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The recursive fan-out's run table: one item per node and run (the visited set and the lease) plus the run's
 * counters; key schema and TTL attribute from the app code's contract (app-code/recursive-fanout/table-schema.ts).
 * On-demand billing (a run's writes come in bursts and the table is idle between runs: no cost then but storage);
 * TTL deletes a run's items after the days the workers write into `expiresAt`; encrypted at rest with the AWS
 * managed key.
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
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? false },
    });
  }
}
