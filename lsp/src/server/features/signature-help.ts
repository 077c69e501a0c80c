// Signature help for the built-in functions (`log2(`, `fixed(`, `min(a, ` …): the call around the
// cursor is found from tokens, so it works while the call is being typed and does not parse.
import type { IToken } from 'chevrotain';
import type { SignatureHelp } from 'vscode-languageserver';
import type { FunctionSignature } from '../compiler-types.js';
import type { PimDocument } from '../documents.js';

/** The innermost unclosed `name(` before the offset and the index of the argument the cursor is in. */
function callAt(tokens: IToken[], offset: number): { name: string; arg: number } | undefined {
  const stack: { name?: string; commas: number }[] = [];
  for (let i = 0; i < tokens.length && tokens[i]!.startOffset < offset; i++) {
    const t = tokens[i]!;
    const n = t.tokenType.name;
    if (n === 'LParen' || n === 'LBracket' || n === 'LCurly') {
      const prev = tokens[i - 1];
      const name =
        n === 'LParen' && prev?.tokenType.name === 'Identifier' && prev.endOffset! + 1 === t.startOffset
          ? prev.image
          : undefined;
      stack.push({ ...(name ? { name } : {}), commas: 0 });
    } else if (n === 'RParen' || n === 'RBracket' || n === 'RCurly') stack.pop();
    else if (n === 'Comma' && stack.length) stack[stack.length - 1]!.commas++;
  }
  const top = stack[stack.length - 1];
  return top?.name ? { name: top.name, arg: top.commas } : undefined;
}

export function signatureHelp(
  doc: PimDocument,
  offset: number,
  functions: readonly FunctionSignature[],
): SignatureHelp | null {
  const call = callAt(doc.parse.tokens, offset);
  const fn = call && functions.find((f) => f.name === call.name);
  if (!call || !fn) return null;
  const variadic = fn.params.some((p) => p.label.includes('...'));
  return {
    signatures: [
      {
        label: `${fn.name}(${fn.params.map((p) => p.label).join(', ')})`,
        documentation: { kind: 'markdown', value: fn.doc },
        parameters: fn.params.map((p) => ({ label: p.label, documentation: p.doc })),
      },
    ],
    activeSignature: 0,
    activeParameter: variadic ? 0 : Math.min(call.arg, fn.params.length - 1),
  };
}
