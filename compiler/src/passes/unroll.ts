// Unrolling `repeat` and naming layers (part of the models pass, models.ts).
//
// Naming: a layer keeps its given name; a layer with no name is called `kind_index` (index = its 0-based
// position in the unrolled model). Inside `repeat N { … }` a named layer `c1` is unrolled as `c1_1` …
// `c1_N` (1-based iteration; nested repeats append one suffix per level: `c1_2_1`). Place rules match the
// unrolled names, so `c1*` catches every copy. `add { from: x }` refers to the most recent earlier layer
// whose given or unrolled name is `x` — inside a repeat that is this iteration's copy when `x` comes
// earlier in the body, else the previous iteration's copy, else a layer before the repeat (the name may
// repeat one outside the repeat for exactly this: the residual input of a block).
import { diag, type Diagnostic } from '@pim/grammar';
import { isCount, MAX_LAYERS } from './layer-kinds.js';
import type { LayerSpec, ModelSpec, RepeatSpec } from './models.js';

// ── Unrolling and naming ─────────────────────────────────────────────────────────────────────────

export interface FlatLayer {
  spec: LayerSpec;
  /** The name as written (undefined when unnamed). */
  given?: string;
  /** Unrolled name: `c1`, `c1_2`, or `kind_index` for unnamed layers. */
  name: string;
}

function isRepeat(item: LayerSpec | RepeatSpec): item is RepeatSpec {
  return item.kind === 'repeat' && 'body' in item;
}

export function unroll(spec: ModelSpec, duplicates: Set<LayerSpec>, report: (d: Diagnostic) => void): FlatLayer[] {
  const out: FlatLayer[] = [];
  let truncated = false;
  const walk = (body: (LayerSpec | RepeatSpec)[], suffix: string): void => {
    checkDuplicateNames(body, duplicates, report);
    for (const item of body) {
      if (truncated) return;
      if (isRepeat(item)) {
        let n = item.count;
        if (!isCount(n)) {
          report(diag('badCount', item.uri, item.countSpan ?? item.span, 'a repeat count', String(n)));
          n = Number.isFinite(n) && n >= 1 ? Math.floor(n) : 0;
        }
        for (let i = 1; i <= n && !truncated; i++) walk(item.body, `${suffix}_${i}`);
        continue;
      }
      if (out.length >= MAX_LAYERS) {
        truncated = true;
        report(
          diag(
            'outOfRange',
            item.uri,
            item.span,
            `model '${spec.name}' unrolled`,
            `more than ${MAX_LAYERS} layers`,
            `at most ${MAX_LAYERS} layers (the layer limit)`,
          ),
        );
        return;
      }
      const flat: FlatLayer = { spec: item, name: item.name !== undefined ? item.name + suffix : '' };
      if (item.name !== undefined) flat.given = item.name;
      out.push(flat);
    }
  };
  walk(spec.body, '');
  return out;
}

/** Two layers with one name in the same body (repeat copies are told apart by their suffix). */
function checkDuplicateNames(
  body: (LayerSpec | RepeatSpec)[],
  duplicates: Set<LayerSpec>,
  report: (d: Diagnostic) => void,
): void {
  // Bodies are short: a scan of the earlier items, with no Map per body, up to a few dozen items.
  const seen = body.length > SCAN_LIMIT ? new Map<string, LayerSpec>() : undefined;
  for (let i = 0; i < body.length; i++) {
    const item = body[i]!;
    if (isRepeat(item) || item.name === undefined) continue;
    const first = seen ? seen.get(item.name) : firstNamed(body, i, item.name);
    if (first) {
      duplicates.add(item);
      const d = diag('duplicateName', item.uri, item.nameSpan ?? item.span, item.name);
      d.related = [
        { uri: first.uri, span: first.nameSpan ?? first.span, message: `'${item.name}' is first defined here` },
      ];
      report(d);
    } else seen?.set(item.name, item);
  }
}

const SCAN_LIMIT = 32;

/** The first layer before `end` named `name`. */
function firstNamed(body: (LayerSpec | RepeatSpec)[], end: number, name: string): LayerSpec | undefined {
  for (let j = 0; j < end; j++) {
    const item = body[j]!;
    if (!isRepeat(item) && item.name === name) return item;
  }
  return undefined;
}

/**
 * Unrolled names of named layers may still collide (`c1_1` written outside a repeat of `c1`): reported
 * once per repeated body copy is noise, so only the first collision per name is reported. Unnamed layers
 * get `kind_index`, with a further `_k` when a given name already took it.
 */
export function assignNames(flat: FlatLayer[], duplicates: Set<LayerSpec>, report: (d: Diagnostic) => void): void {
  const taken = new Map<string, FlatLayer>();
  const reported = new Set<string>();
  const clashes: FlatLayer[] = [];
  for (const f of flat) {
    if (f.given === undefined) continue;
    const first = taken.get(f.name);
    if (!first) {
      taken.set(f.name, f);
      continue;
    }
    clashes.push(f);
    if (!reported.has(f.name) && !duplicates.has(f.spec)) {
      reported.add(f.name);
      const d = diag('duplicateName', f.spec.uri, f.spec.nameSpan ?? f.spec.span, f.name);
      d.related = [
        {
          uri: first.spec.uri,
          span: first.spec.nameSpan ?? first.spec.span,
          message: `'${f.name}' is also the name of this layer (after unrolling)`,
        },
      ];
      report(d);
    }
  }
  // Reported clashes still get distinct names, so that later passes can tell the layers apart.
  for (const f of clashes) {
    const base = f.name;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    f.name = name;
    taken.set(name, f);
  }
  flat.forEach((f, i) => {
    if (f.given !== undefined) return;
    const base = `${f.spec.kind}_${i}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    f.name = name;
    taken.set(name, f);
  });
}
