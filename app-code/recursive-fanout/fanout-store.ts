/**
 * The run's records in DynamoDB (table: hash key `runId`, range key `nodeId`, TTL on `expiresAt`, as in
 * ./table-schema.ts):
 * - one item per node: `status` queued | done | failed, `parentId`, `depth`, and a lease (`leaseOwner`,
 *   `leaseUntil`) naming the message being processed for it;
 * - one run item (`nodeId` = `#run`) with the counters, changed only by atomic `ADD`.
 *
 * Every state change is a conditional write, so duplicates and cycles cannot double a claim or a completion.
 * DynamoDB has no transaction across the node item and the run item here (and the local server has none at all):
 * a counter is added right after the state change it counts, and a worker dying between the two leaves that one
 * count out, which the progress rule reports as a stalled run rather than hiding it.
 */
import { ConditionalCheckFailedException, DynamoDBClient, DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, BatchGetCommandOutput, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { resilientClientConfig } from "../shared/aws-client-config";
import { RunCounters } from "./run-progress";

/** A document client with bounded timeouts and the SDK's retry (region and endpoint from the environment). */
export function fanoutDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...resilientClientConfig(), ...config }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export const RUN_ITEM_ID = "#run";

export type NodeStatus = "queued" | "done" | "failed";

export interface NodeRecord {
  runId: string;
  nodeId: string;
  status: NodeStatus;
  parentId?: string;
  depth: number;
  leaseOwner?: string;
  /** Epoch milliseconds. */
  leaseUntil?: number;
}

export interface RunRecord extends RunCounters {
  runId: string;
  rootNodeId: string;
  /** ISO time the run was seeded. */
  startedAt: string;
}

export interface FanoutStoreOptions {
  tableName: string;
  /** Days the records are kept (DynamoDB TTL deletes them afterwards). */
  ttlDays: number;
  now?: () => number;
}

export type LeaseResult = { taken: true; created: boolean } | { taken: false; why: "done" | "leased"; owner?: string };

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === "ConditionalCheckFailedException";

/** A conditional write's result, or `otherwise` when its condition did not hold; other errors are thrown. */
async function conditional<T>(write: () => Promise<T>, otherwise: T): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isConditionFailure(err)) return otherwise;
    throw err;
  }
}

export class FanoutStore {
  constructor(
    private readonly doc: Pick<DynamoDBDocumentClient, "send">,
    private readonly options: FanoutStoreOptions,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private expiresAt(): number {
    return Math.floor(this.now() / 1000) + this.options.ttlDays * 86_400;
  }

  private key(runId: string, nodeId: string) {
    return { runId, nodeId };
  }

  /** Seeds a run: the root claimed and counted. False when the run exists already. */
  async createRun(runId: string, rootNodeId: string): Promise<boolean> {
    const run: RunRecord & { nodeId: string; expiresAt: number } = {
      runId,
      nodeId: RUN_ITEM_ID,
      rootNodeId,
      startedAt: new Date(this.now()).toISOString(),
      discovered: 1,
      completed: 0,
      failed: 0,
      pruned: 0,
      expiresAt: this.expiresAt(),
    };
    const put = () => this.doc.send(new PutCommand({ TableName: this.options.tableName, Item: run, ConditionExpression: "attribute_not_exists(nodeId)" }));
    if (!(await conditional(async () => (await put(), true), false))) return false;
    await this.claim(runId, { nodeId: rootNodeId, depth: 0 });
    return true;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.options.tableName, Key: this.key(runId, RUN_ITEM_ID), ConsistentRead: true }));
    return res.Item as RunRecord | undefined;
  }

  async getNode(runId: string, nodeId: string): Promise<NodeRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.options.tableName, Key: this.key(runId, nodeId), ConsistentRead: true }));
    return res.Item as NodeRecord | undefined;
  }

  /**
   * Takes the node's lease for `owner` (the message id, which survives redelivery) unless the node is done or
   * another message holds an unexpired lease. A node without a record (never claimed: a hand-sent message) gets
   * one, reported as `created` so that the caller counts it as discovered.
   */
  async takeLease(runId: string, nodeId: string, depth: number, owner: string, leaseMs: number): Promise<LeaseResult> {
    const now = this.now();
    const update = new UpdateCommand({
      TableName: this.options.tableName,
      Key: this.key(runId, nodeId),
      UpdateExpression: "SET leaseOwner = :owner, leaseUntil = :until, #s = if_not_exists(#s, :queued), #d = if_not_exists(#d, :depth), expiresAt = if_not_exists(expiresAt, :expires)",
      ConditionExpression: "(attribute_not_exists(#s) OR #s <> :done) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)",
      // Both are DynamoDB reserved words.
      ExpressionAttributeNames: { "#s": "status", "#d": "depth" },
      ExpressionAttributeValues: {
        ":owner": owner,
        ":until": now + leaseMs,
        ":now": now,
        ":queued": "queued",
        ":done": "done",
        ":depth": depth,
        ":expires": this.expiresAt(),
      },
      ReturnValues: "UPDATED_OLD",
    });
    const taken = await conditional(async () => ({ created: (await this.doc.send(update)).Attributes?.status === undefined }), undefined);
    if (taken) return { taken: true, ...taken };
    const node = await this.getNode(runId, nodeId);
    return node?.status === "done" ? { taken: false, why: "done" } : { taken: false, why: "leased", owner: node?.leaseOwner };
  }

  /** Claims a node as queued: true only for the one caller that created its record. */
  async claim(runId: string, child: { nodeId: string; depth: number; parentId?: string }): Promise<boolean> {
    const put = new PutCommand({
      TableName: this.options.tableName,
      Item: { runId, ...child, status: "queued", expiresAt: this.expiresAt() },
      ConditionExpression: "attribute_not_exists(nodeId)",
    });
    return conditional(async () => (await this.doc.send(put), true), false);
  }

  /** Consistent reads of many nodes (100 keys per call; unprocessed keys retried, a bounded number of times). */
  async getNodes(runId: string, nodeIds: readonly string[]): Promise<NodeRecord[]> {
    const out: NodeRecord[] = [];
    const table = this.options.tableName;
    for (let i = 0; i < nodeIds.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = nodeIds.slice(i, i + 100).map((id) => this.key(runId, id));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt >= 8) throw new Error(`BatchGetItem left ${keys.length} key(s) unprocessed after ${attempt} attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const res: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
        out.push(...((res.Responses?.[table] ?? []) as NodeRecord[]));
        keys = res.UnprocessedKeys?.[table]?.Keys;
      }
    }
    return out;
  }

  /** Marks a node done once: the status it had, or undefined when it was done already (someone else counted it). */
  async markDone(runId: string, nodeId: string): Promise<NodeStatus | undefined> {
    const old = await this.setStatus(runId, nodeId, "done", "attribute_exists(nodeId) AND #s <> :to");
    return old && ((old.status as NodeStatus | undefined) ?? "queued");
  }

  /** Marks a queued node failed (its last attempt failed) and frees its lease: true when this call changed it. */
  async markFailed(runId: string, nodeId: string): Promise<boolean> {
    return (await this.setStatus(runId, nodeId, "failed", "#s = :queued", { ":queued": "queued" })) !== undefined;
  }

  /** Sets the node's status to `to` and frees its lease when `condition` holds: its old attributes, or undefined when the condition did not hold. */
  private setStatus(runId: string, nodeId: string, to: NodeStatus, condition: string, values: Record<string, unknown> = {}): Promise<Record<string, unknown> | undefined> {
    const update = new UpdateCommand({
      TableName: this.options.tableName,
      Key: this.key(runId, nodeId),
      UpdateExpression: "SET #s = :to REMOVE leaseOwner, leaseUntil",
      ConditionExpression: condition,
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":to": to, ...values },
      ReturnValues: "UPDATED_OLD",
    });
    return conditional(async () => (await this.doc.send(update)).Attributes ?? {}, undefined);
  }

  /** Atomic ADD to the run's counters (zero deltas are left out; nothing is sent when all are zero). */
  async addCounters(runId: string, delta: Partial<RunCounters>): Promise<void> {
    const entries = Object.entries(delta).filter(([, v]) => v !== undefined && v !== 0) as Array<[keyof RunCounters, number]>;
    if (entries.length === 0) return;
    await this.send(
      runId,
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key(runId, RUN_ITEM_ID),
        UpdateExpression: `ADD ${entries.map(([k]) => `#${k} :${k}`).join(", ")}`,
        // Only to an existing run: an ADD would otherwise create a run item without its seed.
        ConditionExpression: "attribute_exists(nodeId)",
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
      }),
    );
  }

  private async send(runId: string, command: UpdateCommand): Promise<void> {
    try {
      await this.doc.send(command);
    } catch (err) {
      if (isConditionFailure(err)) throw new Error(`run ${runId} does not exist (no ${RUN_ITEM_ID} item in table ${this.options.tableName})`, { cause: err });
      throw err;
    }
  }
}
