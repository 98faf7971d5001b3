import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** What a cache slot records next to the output: the key it answers and the content hash of every input. */
interface SlotRecord {
  readonly key: string;
  /** Input path (relative to the root) -> sha256 hex of its content. */
  readonly inputs: Record<string, string>;
  /** sha256 hex of the output file, so a torn or foreign output file is a miss, never a wrong answer. */
  readonly output: string;
}

const sha256 = (data: crypto.BinaryLike): string => crypto.createHash("sha256").update(data).digest("hex");

function fileHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Build outputs on disk, reused while nothing they were built from has changed. One slot per key (a key names the
 * build: its entry, options and tool versions), holding the newest output only, so the cache does not grow with
 * each edit. A hit needs the same key and the same content in every input file the build read (the list the
 * build reported, e.g. esbuild's metafile): any edit, added or removed import, or other dependency version is a
 * miss. Best effort: a slot that cannot be read or written is a miss, never an error.
 */
export class BuildCache {
  /**
   * @param dir where the slots live (created on the first write)
   * @param root the folder the input paths are relative to
   */
  constructor(
    readonly dir: string,
    readonly root: string,
  ) {}

  /** The output built for `key`, if every input it was built from is unchanged. */
  get(key: string): Uint8Array | undefined {
    const slot = this.slot(key);
    let record: SlotRecord;
    try {
      record = JSON.parse(fs.readFileSync(`${slot}.json`, "utf8")) as SlotRecord;
    } catch {
      return undefined;
    }
    if (record.key !== key) return undefined;
    for (const [file, hash] of Object.entries(record.inputs)) {
      if (fileHash(path.join(this.root, file)) !== hash) return undefined;
    }
    try {
      const output = fs.readFileSync(`${slot}.out`);
      return sha256(output) === record.output ? new Uint8Array(output) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores `output` for `key`, built from `inputs` (paths relative to the root). */
  set(key: string, inputs: readonly string[], output: Uint8Array): void {
    const slot = this.slot(key);
    const hashes: Record<string, string> = {};
    for (const file of [...inputs].sort()) {
      const hash = fileHash(path.join(this.root, file));
      if (hash === undefined) return; // an input that is gone already: nothing worth keeping
      hashes[file] = hash;
    }
    const record: SlotRecord = { key, inputs: hashes, output: sha256(output) };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // Each file replaced by a rename, so a reader sees a whole old file or a whole new one; a reader that sees
      // a new record with an old output (or the reverse) gets a hash mismatch: a miss.
      const tmp = `${slot}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
      fs.writeFileSync(`${tmp}.out`, output);
      fs.renameSync(`${tmp}.out`, `${slot}.out`);
      fs.writeFileSync(`${tmp}.json`, JSON.stringify(record));
      fs.renameSync(`${tmp}.json`, `${slot}.json`);
    } catch {
      // Read-only or full disk: the build result is still returned, only not kept.
    }
  }

  private slot(key: string): string {
    return path.join(this.dir, sha256(key).slice(0, 32));
  }
}
