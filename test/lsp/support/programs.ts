// fast-check arbitraries for `.pim` programs: every construct, random parentheses, separators and
// comments in leading, trailing and inner positions. Every generated text parses.
import fc from 'fast-check';

const name = fc.constantFrom('a', 'b', 'rows', 'tile_1', 'conv', 'x', 'clock', 'sgd', 'cora');
const kind = fc.constantFrom('tile', 'ima', 'crossbar', 'conv', 'relu', 'faults', 'noc');
const number = fc
  .tuple(
    fc.constantFrom('1', '2.5', '0x80', '1e-3', '.5', '128'),
    fc.constantFrom('', ' GHz', ' %', ' GB/s', ' bit', ' mm2'),
  )
  .map(([n, u]) => n + u);
const str = fc.constantFrom('"x.pim"', '"a \\"b\\""', '""');
const blockComment = fc.constantFrom('/* c */', '/* two\n   lines */', '/**/');
const lineComment = fc.constantFrom('// note', '/// doc', '//');

const { expr } = fc.letrec<{ expr: string; operand: string }>((tie) => ({
  // An operand is anything but an unparenthesized `in` or `..` (those cannot chain).
  operand: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    name,
    fc.tuple(name, name).map(([x, y]) => `${x}.${y}`),
    str,
    fc.constantFrom('true', 'false'),
    fc
      .tuple(tie('operand'), fc.constantFrom('+', '-', '*', '/', '**'), tie('operand'))
      .map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('operand').map((e) => `-${e}`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(name, fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(name, fc.array(tie('expr'), { minLength: 1, maxLength: 3 }))
      .map(([t, args]) => `${t}[${args.join(', ')}]`),
    fc.array(tie('expr'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc
      .tuple(name, fc.array(fc.tuple(name, tie('expr')), { maxLength: 3 }))
      .map(([h, attrs]) => `${h} { ${attrs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.tuple(tie('operand'), blockComment).map(([e, c]) => `${c} ${e}`),
  ),
  expr: fc.oneof(
    { depthSize: 'small' },
    tie('operand'),
    fc.tuple(tie('operand'), tie('operand')).map(([l, r]) => `${l} .. ${r}`),
    fc.tuple(name, tie('operand'), tie('operand')).map(([x, l, r]) => `${x} in ${l} .. ${r}`),
  ),
}));

interface Member {
  text: string;
  /** Ends with a line comment, so a newline must follow. */
  needsNewline: boolean;
  objective: boolean;
}

const attribute = fc
  .tuple(name, expr, fc.option(expr, { nil: undefined }))
  .map(([k, v, d]) => `${k}: ${v}${d ? ` = ${d}` : ''}`);
const place = fc
  .tuple(
    fc.array(fc.constantFrom('conv', 'lin*', '*', 'gcn.weights'), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('dense', 'isaac_tile'),
    fc.boolean(),
  )
  .map(([ts, on, body]) => `place ${ts.join(', ')} on ${on}${body ? ' { block: 16 }' : ''}`);
const vary = fc.tuple(name, name, expr).map(([x, y, d]) => `vary ${x}.${y} in ${d}`);
const objective = fc
  .tuple(fc.constantFrom('minimize', 'maximize'), fc.array(name, { minLength: 1, maxLength: 3 }))
  .map(([s, ts]) => `${s} ${ts.join(', ')}`);

const { members } = fc.letrec<{ members: string; block: string }>((tie) => ({
  block: fc
    .tuple(
      kind,
      fc.option(name, { nil: undefined }),
      fc.option(fc.constantFrom('2', '8 * 128'), { nil: undefined }),
      fc.option(tie('members'), { nil: undefined, depthSize: 'small' }),
    )
    .map(([k, n, c, body]) => `${k}${n ? ` ${n}` : ''}${c ? `[${c}]` : ''}${body !== undefined ? ` {${body}}` : ''}`),
  members: fc
    .array(
      fc.tuple(
        fc.oneof(
          { depthSize: 'small' },
          attribute.map((t) => ({ t, objective: false })),
          tie('block').map((t) => ({ t, objective: false })),
          place.map((t) => ({ t, objective: false })),
          vary.map((t) => ({ t, objective: false })),
          objective.map((t) => ({ t, objective: true })),
          // A count ending in a name needs parentheses (`repeat N {` reads `N {…}` as an object).
          fc
            .tuple(fc.constantFrom('2', '(N)', '(2 * k)', '3 * 2', '(-n)'), tie('members'))
            .map(([n, b]) => ({ t: `repeat ${n} {${b}}`, objective: false })),
        ),
        fc.option(blockComment, { nil: undefined }),
        fc.option(lineComment, { nil: undefined }),
        fc.option(lineComment, { nil: undefined }),
        fc.constantFrom('\n', ', ', '\n\n', ',\n'),
      ),
      { maxLength: 5 },
    )
    .map((items) => {
      const parts: Member[] = items.map(([m, lead, leadLine, trail]) => ({
        text: `${leadLine ? `${leadLine}\n` : ''}${lead ? `${lead} ` : ''}${m.t}${trail ? ` ${trail}` : ''}`,
        needsNewline: !!trail,
        objective: m.objective,
      }));
      let out = '\n';
      parts.forEach((p, i) => {
        const sep = items[i]![4];
        out += p.text;
        // After a line comment or an objective (`minimize a, relu` would swallow `relu`), a newline.
        out += p.needsNewline || p.objective ? '\n' : sep;
      });
      return out;
    }),
}));

const topLevel = fc.oneof(
  str.map((s) => `import ${s}`),
  fc
    .tuple(name, fc.option(name, { nil: undefined }), expr)
    .map(([n, t, v]) => `const ${n.toUpperCase()}${t ? `: ${t}` : ''} = ${v}`),
  fc
    .tuple(
      fc.constantFrom('architecture', 'model', 'mapping', 'explore', 'class', 'device'),
      name,
      fc.option(name, { nil: undefined }),
      members,
    )
    .map(([k, n, base, body]) => `${k} ${n}${base ? ` extends ${base}` : ''} {${body}}`),
);

export const programArb: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      topLevel,
      fc.option(fc.oneof(lineComment, blockComment), { nil: undefined }),
      fc.constantFrom('\n', '\n\n'),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((items) => items.map(([t, c, sep]) => `${c ? `${c}\n` : ''}${t}${sep}`).join(''));
