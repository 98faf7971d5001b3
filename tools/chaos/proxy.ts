/**
 * A loopback TCP proxy that injects the network faults of issue 14 between a client and a server (fauxqs):
 *
 *   - `pass`:   forwards both ways.
 *   - `refuse`: closes its listening socket, so connects fail with ECONNREFUSED; open connections are destroyed
 *               (the endpoint went away).
 *   - `hang`:   a black hole: connections are accepted and never answered, and every connection open when the hang
 *               begins stops forwarding. Such connections stay dead after the mode changes, as after a real black
 *               hole whose peer forgot them: only the client's timeout gets it out.
 *   - `reset`:  open connections and every new one are closed with a TCP RST (ECONNRESET at the client).
 *
 * Counts connections per mode. Listens on 127.0.0.1 only; `close()` destroys everything it holds.
 */
import { createConnection, createServer, Server, Socket } from "node:net";
import { AddressInfo } from "node:net";

export type FaultMode = "pass" | "refuse" | "hang" | "reset";

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly mode: FaultMode;
  /** Connections accepted, by the mode they met. */
  readonly accepted: Record<Exclude<FaultMode, "refuse">, number>;
  /** Connections the faults broke: open ones destroyed, reset or black-holed by a mode change, new ones reset or hung. */
  readonly disrupted: number;
  setMode(mode: FaultMode): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
}

/** Starts a proxy to `upstreamPort` on 127.0.0.1, in mode `pass`. */
export async function startFaultProxy(upstreamPort: number, port = 0): Promise<FaultProxy> {
  let mode: FaultMode = "pass";
  const pairs = new Set<Pair>();
  const accepted = { pass: 0, hang: 0, reset: 0 };
  let disrupted = 0;

  const destroy = (pair: Pair, reset = false) => {
    pairs.delete(pair);
    for (const s of [pair.client, pair.upstream]) {
      if (!s || s.destroyed) continue;
      if (reset) s.resetAndDestroy();
      else s.destroy();
    }
  };
  // A dead connection: reads and drops whatever arrives, answers nothing, for as long as the client keeps it.
  const blackHole = (pair: Pair) => {
    pair.upstream?.unpipe(pair.client);
    pair.client.unpipe(pair.upstream);
    pair.upstream?.destroy();
    pair.upstream = undefined;
    pair.client.removeAllListeners("data");
    pair.client.on("data", () => undefined);
    pair.client.resume();
  };

  const onConnection = (client: Socket) => {
    const pair: Pair = { client };
    pairs.add(pair);
    client.on("error", () => destroy(pair));
    client.on("close", () => destroy(pair));
    if (mode === "reset") {
      accepted.reset++;
      disrupted++;
      destroy(pair, true);
      return;
    }
    if (mode === "hang") {
      accepted.hang++;
      disrupted++;
      blackHole(pair);
      return;
    }
    accepted.pass++;
    const upstream = createConnection({ host: "127.0.0.1", port: upstreamPort });
    pair.upstream = upstream;
    upstream.on("error", () => destroy(pair));
    upstream.on("close", () => {
      // A black-holed pair has dropped its upstream on purpose: the client side stays open and silent.
      if (pair.upstream === upstream) destroy(pair);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let server: Server | undefined;
  const listen = (onPort: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once("error", reject);
      s.listen(onPort, "127.0.0.1", () => {
        server = s;
        resolve((s.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
    });

  const boundPort = await listen(port);
  return {
    url: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    get mode() {
      return mode;
    },
    accepted,
    get disrupted() {
      return disrupted;
    },
    async setMode(next) {
      if (next === mode) return;
      const previous = mode;
      mode = next;
      // Connections still forwarding (not already black-holed) are broken by refuse, hang and reset alike.
      if (next !== "pass") disrupted += [...pairs].filter((p) => p.upstream).length;
      if (next === "refuse") {
        const closing = stopListening();
        for (const pair of [...pairs]) destroy(pair);
        await closing;
      } else {
        if (next === "hang") for (const pair of pairs) blackHole(pair);
        if (next === "reset") for (const pair of [...pairs]) destroy(pair, true);
        // Back from refuse: the same port again (SO_REUSEADDR lets it bind at once).
        if (previous === "refuse") await listen(boundPort);
      }
    },
    async close() {
      const closing = stopListening();
      for (const pair of [...pairs]) destroy(pair);
      await closing;
    },
  };
}
