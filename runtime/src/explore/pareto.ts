// Pareto dominance, NSGA-II's non-dominated sorting and crowding distance, and the exact hypervolume.
// Every function here takes objective vectors already turned to minimisation (a maximised objective
// negated), so "smaller is better" in every coordinate.

/** Whether a is at least as good as b everywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) better = true;
  }
  return better;
}

/** Indices of the points no other point dominates (duplicates all kept), in input order. */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++)
      if (j !== i && dominates(points[j]!, points[i]!)) dominated = true;
    if (!dominated) out.push(i);
  }
  return out;
}

/** Fronts F1, F2, … of Deb et al.'s fast non-dominated sort (NSGA-II), as index lists. */
export function nonDominatedSort(points: readonly (readonly number[])[]): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  const fronts: number[][] = [[]];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points[i]!, points[j]!)) {
        dominatedBy[i]!.push(j);
        count[j]!++;
      } else if (dominates(points[j]!, points[i]!)) {
        dominatedBy[j]!.push(i);
        count[i]!++;
      }
    }
    // Pairs (j, i) with j < i were seen in earlier rows: count[i] is final here.
    if (count[i] === 0) fronts[0]!.push(i);
  }
  for (let f = 0; fronts[f]!.length > 0; f++) {
    const next: number[] = [];
    for (const i of fronts[f]!) {
      for (const j of dominatedBy[i]!) if (--count[j]! === 0) next.push(j);
    }
    next.sort((a, b) => a - b);
    fronts.push(next);
  }
  fronts.pop();
  return fronts;
}

/** NSGA-II crowding distance of each member of one front (∞ at each objective's extremes). */
export function crowdingDistance(
  points: readonly (readonly number[])[],
  front: readonly number[],
): Map<number, number> {
  const d = new Map<number, number>(front.map((i) => [i, 0]));
  if (front.length === 0) return d;
  const m = points[front[0]!]!.length;
  for (let k = 0; k < m; k++) {
    const sorted = [...front].sort((a, b) => points[a]![k]! - points[b]![k]! || a - b);
    const lo = points[sorted[0]!]![k]!;
    const hi = points[sorted[sorted.length - 1]!]![k]!;
    d.set(sorted[0]!, Infinity);
    d.set(sorted[sorted.length - 1]!, Infinity);
    if (hi === lo) continue;
    for (let r = 1; r < sorted.length - 1; r++) {
      const i = sorted[r]!;
      d.set(i, d.get(i)! + (points[sorted[r + 1]!]![k]! - points[sorted[r - 1]!]![k]!) / (hi - lo));
    }
  }
  return d;
}

/**
 * The volume of objective space dominated by the points and bounded by `ref` (every coordinate of a
 * counted point below ref's). Exact, by slicing along the last objective (HSO): O(n^(m-1) log n),
 * plenty for the tens to hundreds of designs an exploration evaluates.
 */
export function hypervolume(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, k) => v < ref[k]!));
  return hv(front(inside), ref);
}

function front(points: readonly (readonly number[])[]): (readonly number[])[] {
  return paretoFront(points).map((i) => points[i]!);
}

function hv(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const m = ref.length;
  if (points.length === 0) return 0;
  if (m === 1) return ref[0]! - Math.min(...points.map((p) => p[0]!));
  if (m === 2) {
    const s = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let vol = 0;
    let bestY = ref[1]!;
    for (const p of s) {
      if (p[1]! < bestY) {
        vol += (ref[0]! - p[0]!) * (bestY - p[1]!);
        bestY = p[1]!;
      }
    }
    return vol;
  }
  // Slabs between consecutive values of the last objective; each slab's cross-section is the
  // (m-1)-dimensional volume of the points at or below its lower face.
  const s = [...points].sort((a, b) => a[m - 1]! - b[m - 1]!);
  const subRef = ref.slice(0, m - 1);
  let vol = 0;
  for (let i = 0; i < s.length; i++) {
    const lo = s[i]![m - 1]!;
    const hi = i + 1 < s.length ? s[i + 1]![m - 1]! : ref[m - 1]!;
    if (hi <= lo) continue;
    const slice = front(s.slice(0, i + 1).map((p) => p.slice(0, m - 1)));
    vol += hv(slice, subRef) * (hi - lo);
  }
  return vol;
}
