/**
 * A reader for the JSON documents cdktf writes into string arguments (IAM policies, ECS container definitions):
 * plain JSON text, or the `${jsonencode(…)}` literal `Fn.jsonencode` renders, so that tools can look inside them.
 */

/** Thrown when a string is not a literal the reader understands. */
export class LiteralSyntaxError extends Error {}

/**
 * The value of a string cdktf wrote for a JSON document: plain JSON (`JSON.stringify` output, references kept as
 * `${…}` inside strings), or one `${jsonencode(<literal>)}` expression (`Fn.jsonencode`), whose object keys are
 * quoted and whose values may be bare expressions (`aws_sqs_queue.q.arn`); a bare expression becomes the string
 * `${<expression>}`, as it would read inside a JSON string. Returns `undefined` for anything else (a reference to
 * another block's attribute, a function other than jsonencode, a template mixing text and expressions).
 */
export function parseJsonDocument(text: string): unknown {
  const trimmed = text.trim();
  const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(trimmed);
  if (encoded) {
    try {
      const reader = new LiteralReader(encoded[1]);
      const value = reader.value();
      reader.end();
      return value;
    } catch (error) {
      if (error instanceof LiteralSyntaxError) return undefined;
      throw error;
    }
  }
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** Recursive-descent reader for the HCL literal subset `Fn.jsonencode` renders. */
class LiteralReader {
  private pos = 0;
  constructor(private readonly src: string) {}

  value(): unknown {
    this.space();
    const c = this.src[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]})]|$)/.exec(this.src.slice(this.pos));
    if (literal) {
      this.pos += literal[0].length;
      return JSON.parse(literal[0]);
    }
    return `\${${this.expression()}}`;
  }

  end(): void {
    this.space();
    if (this.pos !== this.src.length) throw new LiteralSyntaxError(`unexpected text at ${this.pos}`);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    for (;;) {
      this.space();
      if (this.src[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.src[this.pos] === '"' ? this.string() : this.identifier();
      this.space();
      const sep = this.src[this.pos];
      if (sep !== "=" && sep !== ":") throw new LiteralSyntaxError(`expected = after key ${key}`);
      this.pos++;
      out[key] = this.value();
      this.space();
      if (this.src[this.pos] === ",") this.pos++;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    for (;;) {
      this.space();
      if (this.src[this.pos] === "]") {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.space();
      if (this.src[this.pos] === ",") this.pos++;
    }
  }

  private string(): string {
    // HCL strings are JSON strings plus `${…}` templates, which JSON.parse keeps as text.
    let i = this.pos + 1;
    let depth = 0;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === "\\") i++;
      else if (c === "$" && this.src[i + 1] === "{") {
        depth++;
        i++;
      } else if (c === "}" && depth > 0) depth--;
      else if (c === '"' && depth === 0) break;
    }
    if (i >= this.src.length) throw new LiteralSyntaxError("unterminated string");
    const raw = this.src.slice(this.pos, i + 1);
    this.pos = i + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      throw new LiteralSyntaxError(`bad string ${raw}`);
    }
  }

  private identifier(): string {
    const m = /^[A-Za-z_][\w-]*/.exec(this.src.slice(this.pos));
    if (!m) throw new LiteralSyntaxError(`expected a key at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  /** A bare expression up to the next `,` `]` `}` outside brackets and strings. */
  private expression(): string {
    const start = this.pos;
    let depth = 0;
    for (; this.pos < this.src.length; this.pos++) {
      const c = this.src[this.pos];
      if (c === '"') {
        this.string();
        this.pos--;
      } else if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
    }
    const expr = this.src.slice(start, this.pos).trim();
    if (!expr) throw new LiteralSyntaxError(`expected a value at ${start}`);
    return expr;
  }

  private space(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
}
