/**
 * dynalite (a DynamoDB-compatible server on LevelDB, in memory here) on a free loopback port, for the tests and
 * the local runs: start, create the fan-out table as the stack does, stop. In-process: dynalite is CommonJS and
 * its HTTP server closes with the process, so nothing is left behind.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { FANOUT_TABLE } from "../../app-code/recursive-fanout/table-schema";
import { fanoutDocumentClient } from "../../app-code/recursive-fanout/fanout-store";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { listenOnLoopback } from "./loopback-server";

export interface DynaliteServer {
  /** `http://127.0.0.1:<port>`: use as AWS_ENDPOINT_URL_DYNAMODB or the client's endpoint. */
  endpoint: string;
  /** A document client for this server (dummy credentials, us-east-1). */
  documentClient(): DynamoDBDocumentClient;
  /** Creates the fan-out table (key schema and on-demand billing as the stack's). */
  createFanoutTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

const LOCAL = { region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } };

export async function startDynalite(): Promise<DynaliteServer> {
  // Tables are ACTIVE at once: no CREATING delay to wait out.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const { url: endpoint, close } = await listenOnLoopback(server);
  return {
    endpoint,
    documentClient: () => fanoutDocumentClient({ ...LOCAL, endpoint }),
    async createFanoutTable(tableName) {
      const client = new DynamoDBClient({ ...LOCAL, endpoint });
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [
            { AttributeName: FANOUT_TABLE.hashKey, AttributeType: "S" },
            { AttributeName: FANOUT_TABLE.rangeKey, AttributeType: "S" },
          ],
          KeySchema: [
            { AttributeName: FANOUT_TABLE.hashKey, KeyType: "HASH" },
            { AttributeName: FANOUT_TABLE.rangeKey, KeyType: "RANGE" },
          ],
        }),
      );
      client.destroy();
    },
    stop: close,
  };
}
