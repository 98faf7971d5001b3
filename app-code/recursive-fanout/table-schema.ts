/**
 * The fan-out table's key schema and TTL attribute: the stack creates the table with these, the store and the
 * local runs use them. A module of its own so the stack can import it without loading the DynamoDB SDK.
 */
export const FANOUT_TABLE = {
  /** Hash key (string): the run. */
  hashKey: "runId",
  /** Range key (string): the node, or `#run` for the run's counters. */
  rangeKey: "nodeId",
  /** Epoch seconds after which DynamoDB's TTL deletes an item. */
  ttlAttribute: "expiresAt",
} as const;
