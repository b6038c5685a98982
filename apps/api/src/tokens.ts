/** Injection tokens for values built by the composition root. */
export const RUNTIME = Symbol('parley.runtime');
