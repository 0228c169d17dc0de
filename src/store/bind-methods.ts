/**
 * A store seen through a Proxy that replaces some of its members (metrics' timed transactions,
 * lambda's after-commit queue) and hands out the others bound to the store. Each method is
 * bound once and the bound function reused: binding on every access made a new function per
 * store call, several per request.
 */
import type { Store } from './types.js';

export function bindMethods(store: Store, overrides: Partial<Store>): Store {
  const bound = new Map<PropertyKey, { original: unknown; bound: unknown }>();
  return new Proxy(store, {
    get(target, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) return Reflect.get(overrides, property);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = bound.get(property);
      if (known !== undefined && known.original === value) return known.bound;
      const fresh = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, { original: value, bound: fresh });
      return fresh;
    },
  });
}
