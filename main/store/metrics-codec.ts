/**
 * How a reading's metrics are kept in `readings.metrics`. The encodings live side by side, told apart
 * by the column's type and a version byte, so rows written before the packed ones keep reading as
 * they are:
 *  - TEXT: the metrics object as JSON (every row written before schema version 15, and rows whose
 *    values a packed row cannot carry: a value that is not a finite number, a name with a NUL);
 *  - BLOB, version 1 (names inline): byte 0 = 1, bytes 1-2 = n (uint16 LE), n float64 LE values,
 *    then the n names in UTF-8 joined by NUL, in the object's own order. What the writer's queue
 *    hands to the worker; a store may hold it too (a reader decodes it alone);
 *  - BLOB, version 2 (names by id): byte 0 = 2, bytes 1-2 = n, bytes 3-6 = the id (uint32 LE) of the
 *    names in `metric_names` (NUL-joined, as in version 1), then n float64 LE values. What the
 *    writer stores: a row of 100 doubles is then about 800 bytes and fits its B-tree page without
 *    an overflow page.
 * A packed row needs no number-to-text conversion when it is written, most of the cost of storing
 * a row of many doubles as JSON.
 */

export const PACKED_V1 = 1;
export const PACKED_V2 = 2;
const HEADER = 3;
const V2_HEADER = 7;
const MAX_NAMES = 0xffff;
/** Sources whose last names are kept; beyond it the cache starts again (a store sees far fewer machines). */
const MAX_CACHED_SOURCES = 20_000;

export type StoredMetrics = string | Uint8Array;
/** The names of a version-2 row's id (metric-names.ts reads them from the store). */
export type NamesLookup = (id: number) => readonly string[];

const countOf = (bytes: Uint8Array) => bytes[1]! | (bytes[2]! << 8);

/** Whether `bytes` has the shape of a packed row (its version and room for its values): what the writer checks before storing it. */
export function isPackedMetrics(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER) return false;
  const n = countOf(bytes);
  if (n === 0) return false;
  if (bytes[0] === PACKED_V1) return bytes.length >= HEADER + 8 * n + (n - 1);
  return bytes[0] === PACKED_V2 && bytes.length === V2_HEADER + 8 * n;
}

/** The names section of a version-1 row as text (the key of its names in `metric_names`). */
export function namesTextOf(v1: Uint8Array): string {
  const names = namesBytesOf(v1);
  return Buffer.from(names.buffer, names.byteOffset, names.byteLength).toString('utf8');
}

/** The names section of a version-1 row as bytes (a view into the row). */
export function namesBytesOf(v1: Uint8Array): Uint8Array {
  return v1.subarray(HEADER + 8 * countOf(v1));
}

/** A version-1 row as version 2, with its names replaced by their id; written into `out` from 0. */
export function toNamedRow(v1: Uint8Array, namesId: number, out: Buffer): Uint8Array {
  const n = countOf(v1);
  out[0] = PACKED_V2;
  out[1] = v1[1]!;
  out[2] = v1[2]!;
  out.writeUInt32LE(namesId, 3);
  out.set(v1.subarray(HEADER, HEADER + 8 * n), V2_HEADER);
  return out.subarray(0, V2_HEADER + 8 * n);
}

/**
 * The metrics object of a stored row, whichever encoding it has (`names` resolves a version-2 row's
 * names). Throws on a text that is not a JSON object or a blob that is not a packed row; readers skip
 * such a row as they always did.
 */
export function decodeMetrics(stored: StoredMetrics, names?: NamesLookup): Record<string, unknown> {
  if (typeof stored === 'string') {
    const v: unknown = JSON.parse(stored);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('stored metrics are not a JSON object');
    return v as Record<string, unknown>;
  }
  const { names: list, view, at } = packedLayout(stored, names);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < list.length; i++) out[list[i]!] = view.getFloat64(at + 8 * i, true);
  return out;
}

/** Where a packed row's values are: value i is the float64 LE at `at + 8 * i` of `view`, named `names[i]`. */
export interface PackedLayout {
  names: readonly string[];
  view: DataView;
  at: number;
}

/**
 * A packed row's names and values without building its object (the rollups read every minute's rows
 * this way). Throws where decodeMetrics throws for a blob.
 */
export function packedLayout(stored: Uint8Array, names?: NamesLookup): PackedLayout {
  if (!isPackedMetrics(stored)) throw new Error('stored metrics are neither JSON text nor a packed row');
  const n = countOf(stored);
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  let list: readonly string[];
  let at: number;
  if (stored[0] === PACKED_V2) {
    if (!names) throw new Error('a packed row names its metrics by id, and no names were given to read it');
    list = names(view.getUint32(3, true));
    at = V2_HEADER;
  } else {
    list = namesTextOf(stored).split('\0');
    at = HEADER;
  }
  if (list.length !== n) throw new Error(`packed metrics name ${list.length} values for ${n}`);
  return { names: list, view, at };
}

/** decodeMetrics for readers that skip a bad row's values: {} where the row cannot be read. */
export function readableMetrics(stored: StoredMetrics, names?: NamesLookup): Record<string, unknown> {
  try {
    return decodeMetrics(stored, names);
  } catch {
    return {};
  }
}

/** One row as it is stored: packed where it can be, JSON text otherwise. */
export function encodeMetrics(metrics: Record<string, number>): StoredMetrics {
  const p = new MetricsPacker(256);
  return p.pack(metrics) ? p.copy(0, p.used) : JSON.stringify(metrics);
}

/**
 * Packs metrics into a growing byte buffer, row after row; what the telemetry writer's queue keeps.
 * `pack` returns false (and writes nothing) for metrics a packed row cannot carry; the caller keeps
 * those as JSON text.
 */
export class MetricsPacker {
  private bytes: Buffer;
  private view: DataView;
  private readonly lastNames = new Map<string, { names: string[]; bytes: Uint8Array }>();
  /** Bytes in use. */
  used = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(initialBytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /**
   * Appends one packed row; false when the metrics need JSON (nothing is appended then). `source`
   * (the machine) keys a cache of the last names it sent and their bytes: a source usually sends the
   * same names row after row, which are then compared, not encoded again.
   */
  pack(metrics: Record<string, number>, source?: string): boolean {
    const names = Object.keys(metrics);
    const n = names.length;
    if (n === 0 || n > MAX_NAMES) return false;
    const start = this.used;
    let off = start + HEADER;
    if (off + 8 * n > this.bytes.length) this.grow(off + 8 * n);
    const view = this.view;
    for (let i = 0; i < n; i++) {
      const v = metrics[names[i]!];
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      view.setFloat64(off, v, true);
      off += 8;
    }
    const encoded = this.namesBytes(names, source);
    if (!encoded) return false;
    if (off + encoded.length > this.bytes.length) this.grow(off + encoded.length);
    this.bytes.set(encoded, off);
    off += encoded.length;
    this.bytes[start] = PACKED_V1;
    this.bytes[start + 1] = n & 0xff;
    this.bytes[start + 2] = n >> 8;
    this.used = off;
    return true;
  }

  /** The names joined by NUL in UTF-8, from the source's cache when they are the names it sent last; null when a name holds a NUL. */
  private namesBytes(names: string[], source: string | undefined): Uint8Array | null {
    const cached = source === undefined ? undefined : this.lastNames.get(source);
    if (cached && cached.names.length === names.length) {
      let same = true;
      for (let i = 0; i < names.length && same; i++) same = cached.names[i] === names[i];
      if (same) return cached.bytes;
    }
    for (const name of names) if (name.includes('\0')) return null;
    const bytes = Buffer.from(names.join('\0'), 'utf8');
    if (source !== undefined) {
      if (this.lastNames.size >= MAX_CACHED_SOURCES) this.lastNames.clear();
      this.lastNames.set(source, { names, bytes });
    }
    return bytes;
  }

  /** Appends bytes as they are (a row's JSON text, or a row packed earlier). */
  append(row: Uint8Array): void {
    if (this.used + row.length > this.bytes.length) this.grow(this.used + row.length);
    this.bytes.set(row, this.used);
    this.used += row.length;
  }

  /** A copy of bytes [from, to), in a buffer of its own (safe to post to another thread). */
  copy(from: number, to: number): Uint8Array {
    const out = new Uint8Array(to - from);
    out.set(this.bytes.subarray(from, to));
    return out;
  }

  /** Drops the first `n` bytes. */
  shift(n: number): void {
    this.bytes.copyWithin(0, n, this.used);
    this.used -= n;
  }

  private grow(atLeast: number): void {
    let size = this.bytes.length * 2;
    while (size < atLeast) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}
