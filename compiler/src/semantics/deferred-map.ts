// A Map whose writes may be deferred: `defer` only records an entry, and the first read stores every
// recorded entry in order, as `set` would have. The checking passes record hover data for every
// attribute and block of a program, which only the editor ever reads; hashing 100k AST nodes into
// Maps cost more than the checking itself.

const CHUNK = 2048;

export class DeferredMap<K, V> implements Map<K, V> {
  private readonly map = new Map<K, V>();
  /**
   * Recorded entries, key and value alternating, in fixed-size chunks: one growing array of 200k
   * slots was copied on every growth.
   */
  private chunks: unknown[][] = [];
  private chunk: unknown[] = [];

  readonly [Symbol.toStringTag] = 'Map';

  /** Like `set`, stored when the map is next read. */
  defer(key: K, value: V): void {
    if (this.chunk.length >= CHUNK) {
      this.chunks.push(this.chunk);
      this.chunk = [];
    }
    this.chunk.push(key, value);
  }

  private flushed(): Map<K, V> {
    if (this.chunk.length > 0) {
      this.chunks.push(this.chunk);
      for (const c of this.chunks) for (let i = 0; i < c.length; i += 2) this.map.set(c[i] as K, c[i + 1] as V);
      this.chunks = [];
      this.chunk = [];
    }
    return this.map;
  }

  get size(): number {
    return this.flushed().size;
  }

  get(key: K): V | undefined {
    return this.flushed().get(key);
  }

  has(key: K): boolean {
    return this.flushed().has(key);
  }

  set(key: K, value: V): this {
    this.flushed().set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.flushed().delete(key);
  }

  clear(): void {
    this.chunks = [];
    this.chunk = [];
    this.map.clear();
  }

  forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.flushed()) fn.call(thisArg, v, k, this);
  }

  entries(): IterableIterator<[K, V]> {
    return this.flushed().entries();
  }

  keys(): IterableIterator<K> {
    return this.flushed().keys();
  }

  values(): IterableIterator<V> {
    return this.flushed().values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.flushed()[Symbol.iterator]();
  }
}
