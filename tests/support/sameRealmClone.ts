// Jest runs each test file in its own VM context, but hands it the host's `structuredClone`, whose copies are
// host-realm objects. oidc-provider clones its static clients with it and then checks `value.constructor ===
// Object` against the test context's `Object`, so every client with a `jwks` is refused under Jest (never under
// plain Node). This setup file makes the clone build plain objects and arrays in the test's own realm.
const hostClone = globalThis.structuredClone;

function cloneInThisRealm<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneInThisRealm(item)) as T;
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === null || prototype.constructor?.name === 'Object') {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = cloneInThisRealm(item);
      return copy as T;
    }
    return hostClone(value);
  }
  return value;
}

globalThis.structuredClone = ((value: unknown, options?: { transfer?: unknown[] }) =>
  options?.transfer?.length ? hostClone(value, options as never) : cloneInThisRealm(value)) as typeof structuredClone;
