/** A bounded map that forgets the least recently used entry; for caches on the request path. */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();
  constructor(max: number) {
    if (!Number.isInteger(max) || max <= 0) throw new TypeError(`LruCache: "max" must be a positive integer, got ${max}`);
    this.#max = max;
  }
  /** The value for `key`, marking it recently used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  /** Stores `value`, evicting the oldest entry when full. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K);
  }
  /** Forgets `key`. */
  delete(key: K): void {
    this.#map.delete(key);
  }
  /** Forgets every entry. */
  clear(): void {
    this.#map.clear();
  }
  /** Number of entries held. */
  get size(): number {
    return this.#map.size;
  }
}
