// Quick fixes: a diagnostic that carries `data.replacements` (did-you-mean names and units) offers
// one edit per replacement.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';

export function codeActions(params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    const replacements = (d.data as { replacements?: unknown } | undefined)?.replacements;
    if (!Array.isArray(replacements)) continue;
    replacements.forEach((r, i) => {
      if (typeof r !== 'string') return;
      out.push({
        title: `Replace with '${r}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: i === 0,
        edit: { changes: { [params.textDocument.uri]: [{ range: d.range, newText: r }] } },
      });
    });
  }
  return out;
}
