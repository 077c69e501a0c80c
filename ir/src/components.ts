// Finding things in an IR program: components in an architecture's tree (by path, by kind), the tile
// type a placement targets, and the model and architecture of a mapping. The simulator, the trainer
// and the explorer all look things up through here, so a lookup rule (a target named by its tile
// type's name or its path) is stated once.
import type {
  IrArchitecture,
  IrComponent,
  IrCrossbarSpec,
  IrDevice,
  IrMapping,
  IrModel,
  IrProgram,
  IrTileType,
} from './types.js';

/** The component at dot path `path` in `root`'s tree (`root` itself included). */
export function findByPath(root: IrComponent, path: string): IrComponent | undefined {
  if (root.path === path) return root;
  if (!path.startsWith(root.path + '.')) return undefined;
  for (const ch of root.children) {
    const f = findByPath(ch, path);
    if (f) return f;
  }
  return undefined;
}

/** The first component of `kind` in `root`'s tree, depth first (`root` itself included). */
export function findKind(root: IrComponent, kind: string): IrComponent | undefined {
  if (root.kind === kind) return root;
  for (const ch of root.children) {
    const f = findKind(ch, kind);
    if (f) return f;
  }
  return undefined;
}

/** The parent of `target` in `root`'s tree (undefined for the root or a node not in the tree). */
export function parentOf(root: IrComponent, target: IrComponent): IrComponent | undefined {
  for (const ch of root.children) {
    if (ch === target) return root;
    const p = parentOf(ch, target);
    if (p) return p;
  }
  return undefined;
}

/** The tile type a placement's `target` names, by the tile type's name or its component path. */
export function tileTypeOf(arch: IrArchitecture, target: string): IrTileType | undefined {
  return arch.tile_types.find((t) => t.name === target || t.path === target);
}

/** A mapping of the program by name, with its model and architecture (each undefined when missing). */
export function mappingParts(
  ir: IrProgram,
  name: string,
): { mapping?: IrMapping; model?: IrModel; arch?: IrArchitecture } {
  const mapping = ir.mappings.find((m) => m.name === name);
  if (!mapping) return {};
  return {
    mapping,
    model: ir.models.find((m) => m.name === mapping.model),
    arch: ir.architectures.find((a) => a.name === mapping.architecture),
  };
}

/** The clock a tile type runs at: its partition's own clock when the partition states one, else the chip's. */
export function tileClockHz(arch: IrArchitecture, tt: IrTileType): number {
  return arch.partitions.find((p) => p.name === tt.partition)?.clock_hz ?? arch.clock_hz;
}

/**
 * Time to program one cell of a crossbar: the crossbar's own figure (its device's cycles at the
 * architecture's clock), else its device's seconds; undefined when neither is known.
 */
export function cellWriteLatency(spec: IrCrossbarSpec, dev: IrDevice): number | undefined {
  return spec.write_latency_s ?? dev.write_latency_s;
}
