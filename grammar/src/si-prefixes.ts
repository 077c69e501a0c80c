// The SI prefixes people read numbers in, largest first (`@pim/grammar/si-prefixes`): one table for the
// editor's hovers and the reports, a subpath so that the runtime does not load the parser for it.

/** `[factor, symbol]` from peta to femto; `µ` (U+00B5) is the symbol printed for micro. */
export const SI_PREFIXES: readonly (readonly [factor: number, symbol: string])[] = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
  [1e-15, 'f'],
];
