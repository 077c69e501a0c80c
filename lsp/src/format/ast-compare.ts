// Structural comparison of two parses, ignoring positions: formatting must never change what a file means.
import type { PimFile } from '@pim/grammar';

/**
 * A plain copy of the tree without spans and the URI; comments keep their kind and text, in order, but
 * not the blanks that end their lines (Prettier drops those, as any formatter does; `// note   ` is
 * `// note`).
 */
export function stripPositions(file: PimFile): unknown {
  const strip = (v: unknown, comment = false): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, comment));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'span' || k === 'uri') continue;
        if (x === undefined) continue;
        out[k] =
          comment && k === 'text' && typeof x === 'string'
            ? x.replace(/[ \t]+(?=\r?\n|\r|$)/g, '')
            : strip(x, k === 'comments');
      }
      return out;
    }
    return v;
  };
  return strip(file);
}

/** The first path where two parses differ, or undefined when they mean the same. */
export function astDifference(a: PimFile, b: PimFile): string | undefined {
  const walk = (x: unknown, y: unknown, at: string): string | undefined => {
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return `${at}: ${x.length} vs ${y.length} items`;
      for (let i = 0; i < x.length; i++) {
        const d = walk(x[i], y[i], `${at}[${i}]`);
        if (d) return d;
      }
      return undefined;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) {
        const d = walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${at}.${k}`);
        if (d) return d;
      }
      return undefined;
    }
    return Object.is(x, y) ? undefined : `${at}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`;
  };
  return walk(stripPositions(a), stripPositions(b), 'file');
}
