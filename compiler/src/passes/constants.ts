// Pass: `const` declarations. Each is evaluated once, on first use or here, whichever comes first;
// a constant that depends on itself is reported with the chain.
import type { CheckContext } from '../semantics/context.js';
import { constValue } from '../semantics/instance.js';

export function checkConstants(ctx: CheckContext): void {
  for (const sym of ctx.symbolsOfKind('const')) {
    if (sym.node.type === 'Const') ctx.consts.set(sym.name, { decl: sym.node, uri: sym.file });
  }
  for (const [name, entry] of ctx.consts) constValue(ctx, name, entry.decl.name.span, entry.uri);
}
