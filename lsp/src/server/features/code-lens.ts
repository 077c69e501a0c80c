// Code lens: above every named top-level declaration, how many times the workspace uses it (the same
// count Find References gives); above a mapping and an exploration, the command that runs it in VS
// Code (`pim.simulate`, `pim.explore`; other clients show the title).
import type { CodeLens } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import type { PimServices } from '../services.js';
import { occurrencesOfEach } from './references.js';

const RUNS: Record<string, { title: string; command: string }> = {
  mapping: { title: '▶ Simulate', command: 'pim.simulate' },
  explore: { title: '▶ Explore', command: 'pim.explore' },
};

export async function codeLenses(s: PimServices, a: Analysis): Promise<CodeLens[]> {
  const out: CodeLens[] = [];
  const declared = [...(a.program?.symbols.values() ?? [])].filter((sym) => sym.file === a.doc.path);
  const all = await occurrencesOfEach(s, declared);
  declared.forEach((sym, i) => {
    const range = a.doc.range(sym.node.span);
    const line = { start: range.start, end: range.start };
    const uses = all[i]!.filter((o) => !o.declaration).length;
    out.push({ range: line, command: { title: uses === 1 ? '1 reference' : `${uses} references`, command: '' } });
    const run = sym.node.type === 'Block' ? RUNS[sym.node.kind.name] : undefined;
    if (run) out.push({ range: line, command: { ...run, arguments: [a.doc.uri, sym.name] } });
  });
  return out.sort((x, y) => x.range.start.line - y.range.start.line);
}
