/**
 * Name search without holding the world: names are generated chunk by chunk, in index order, on
 * first need, and each chunk is kept as ONE string (names joined by "\n") plus the offset of each
 * name. A search walks the chunks with String#indexOf and stops as soon as it has `limit` hits,
 * so a common fragment touches only the first chunk; a rare one builds the whole index once
 * (about 30 MB of strings at 1,000,000 subjects) and is a memory scan thereafter.
 */

const CHUNK_SIZE = 4_096;
const SEPARATOR = '\n';

interface Chunk {
  text: string;
  /** starts[k] = offset of name k in text; starts[count] = text.length + 1 */
  starts: Int32Array;
}

export interface NameIndexOptions {
  size: number;
  /** the searchable name of a subject, or null when it must never match (not registered with market) */
  nameOf(index: number): string | null;
}

export class NameIndex {
  private readonly chunks: (Chunk | undefined)[];

  constructor(private readonly options: NameIndexOptions) {
    this.chunks = new Array(Math.ceil(options.size / CHUNK_SIZE));
  }

  /** Indices of the subjects whose name contains `fragment`, ascending, at most `limit`. */
  search(fragment: string, limit: number): number[] {
    const hits: number[] = [];
    if (limit <= 0 || fragment.includes(SEPARATOR)) return hits;
    for (let c = 0; c < this.chunks.length && hits.length < limit; c++) {
      const chunk = this.chunk(c);
      const base = c * CHUNK_SIZE;
      let from = 0;
      while (hits.length < limit) {
        const at = chunk.text.indexOf(fragment, from);
        if (at < 0) break;
        const k = nameAt(chunk.starts, at);
        // an empty name (a subject that must never match) can only "contain" the empty fragment
        if (chunk.starts[k + 1] - 1 > chunk.starts[k]) hits.push(base + k);
        from = chunk.starts[k + 1];
        if (from > chunk.text.length) break;
      }
    }
    return hits;
  }

  private chunk(c: number): Chunk {
    const existing = this.chunks[c];
    if (existing) return existing;
    const first = c * CHUNK_SIZE;
    const count = Math.min(CHUNK_SIZE, this.options.size - first);
    const names: string[] = new Array(count);
    const starts = new Int32Array(count + 1);
    let offset = 0;
    for (let k = 0; k < count; k++) {
      const name = this.options.nameOf(first + k) ?? '';
      names[k] = name;
      starts[k] = offset;
      offset += name.length + 1;
    }
    starts[count] = offset;
    const chunk = { text: names.join(SEPARATOR), starts };
    this.chunks[c] = chunk;
    return chunk;
  }
}

/** the k with starts[k] ≤ at < starts[k + 1] */
function nameAt(starts: Int32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
