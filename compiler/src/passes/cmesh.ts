// A concentrated mesh (`topology: cmesh`): its concentration (tiles per router, each with its own ports)
// goes into the IR, and the tiles and GPU cores must fit the routers' ports.
import { diag, type Span } from '@pim/grammar';
import type { IrGpu, IrNoc, IrTileType } from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import { asNumber, requireAtLeast, type Instance } from '../semantics/instance.js';

export function concentrate(
  ctx: CheckContext,
  uri: string,
  inst: Instance | undefined,
  anchor: Span,
  noc: IrNoc,
  tileTypes: IrTileType[],
  gpus: IrGpu[],
  chips: number,
): void {
  if (noc.topology !== 'cmesh') return;
  // A router with no tile ports connects nothing (0 was taken as 1, silently).
  if (inst) requireAtLeast(ctx, inst, ['concentration'], 1);
  const concentration = Math.max(1, asNumber(inst?.get('concentration')) ?? 1);
  noc.concentration = concentration;
  let endpoints = 0;
  for (const t of tileTypes) endpoints += t.count;
  for (const g of gpus) endpoints += g.count;
  const routers = noc.dims.reduce((a, b) => a * b, 1) * chips;
  if (endpoints > routers * concentration)
    ctx.report(
      diag(
        'cmeshOverfull',
        uri,
        inst?.statedAttr('concentration')?.value.span ?? anchor,
        endpoints,
        routers,
        concentration,
      ),
    );
}
