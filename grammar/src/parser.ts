// The `.pim` concrete-syntax parser: one CstParser instance, built once, with error recovery on.
// Newlines are skipped by the lexer; where juxtaposition matters (`relu` then `flatten` on the next
// line vs `conv c1`), gates compare token lines.
import type { CstNode, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import * as T from './tokens.js';

/** A parse stopped after `errorBudget` syntax errors. */
export class ErrorBudgetExceeded extends Error {}

class PimParser extends CstParser {
  constructor() {
    // Grammar validations (ambiguities, left recursion) run when PIM_GRAMMAR_CHECKS=1, as in test/grammar.
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 2,
      skipValidations: globalThis.process?.env?.['PIM_GRAMMAR_CHECKS'] !== '1',
    });
    this.performSelfAnalysis();
    // Every recorded syntax error passes here; past the budget the parse stops (see `errorBudget`).
    const self = this as unknown as { SAVE_ERROR(e: IRecognitionException): IRecognitionException };
    const save = self.SAVE_ERROR.bind(this);
    self.SAVE_ERROR = (e) => {
      const saved = save(e);
      if (++this.savedErrors > this.errorBudget) throw new ErrorBudgetExceeded();
      return saved;
    };
  }

  /**
   * Syntax errors one parse may record before it throws ErrorBudgetExceeded. Recovery inside a
   * repetition recurses once per recovered error and costs time per error, so a file of errors (a
   * JSON file saved as `.pim`) would otherwise exhaust the stack or take seconds.
   */
  errorBudget = Infinity;
  private savedErrors = 0;

  override reset(): void {
    super.reset();
    this.savedErrors = 0;
  }

  private sameLine(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    return prev.endLine !== undefined && next.startLine === prev.endLine;
  }

  public file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.constDecl) },
        { ALT: () => this.SUBRULE(this.block) },
        // A stray comma between declarations is tolerated like one between members.
        { ALT: () => this.CONSUME(T.Comma) },
      ]);
    });
  });

  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  public constDecl = this.RULE('constDecl', () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.expression, { LABEL: 'valueType' });
    });
    this.CONSUME(T.Equals);
    this.SUBRULE2(this.expression, { LABEL: 'value' });
  });

  public block = this.RULE('block', () => {
    this.CONSUME(T.Identifier, { LABEL: 'kind' });
    this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'name' }) });
    this.OPTION2(() => {
      this.CONSUME(T.Extends);
      this.CONSUME3(T.Identifier, { LABEL: 'base' });
    });
    this.OPTION3({
      GATE: () => this.sameLine(),
      DEF: () => {
        this.CONSUME(T.LBracket);
        this.SUBRULE(this.expression, { LABEL: 'count' });
        this.CONSUME(T.RBracket);
      },
    });
    // A block's braces and members sit in the block itself (no `body` node), as in `body` below.
    this.OPTION4(() => this.bracedMembers());
  });

  // Members sit directly in the body (no rule of their own): one CST node less per member.
  public body = this.RULE('body', () => {
    this.bracedMembers();
  });

  /** `{ member* }` inside whichever rule calls it. */
  private bracedMembers(): void {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { GATE: () => this.LA(2).tokenType === T.Colon, ALT: () => this.SUBRULE(this.attribute) },
        { ALT: () => this.SUBRULE(this.placeStmt) },
        { ALT: () => this.SUBRULE(this.varyStmt) },
        { ALT: () => this.SUBRULE(this.objectiveStmt) },
        { ALT: () => this.SUBRULE(this.repeatStmt) },
        { ALT: () => this.SUBRULE(this.block) },
        { ALT: () => this.CONSUME(T.Comma) },
      ]);
    });
    this.CONSUME(T.RCurly);
  }

  // The value's operands and operators sit in the attribute itself (no `expression` node of its own):
  // attributes are the commonest member, and every CST node saved is an allocation saved.
  public attribute = this.RULE('attribute', () => {
    this.CONSUME(T.Identifier, { LABEL: 'key' });
    this.CONSUME(T.Colon);
    this.operandsAndOperators();
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { LABEL: 'default' });
    });
  });

  public placeStmt = this.RULE('placeStmt', () => {
    this.CONSUME(T.Place);
    this.SUBRULE(this.pattern, { LABEL: 'targets' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.pattern, { LABEL: 'targets' });
    });
    this.CONSUME(T.On);
    this.SUBRULE3(this.pattern, { LABEL: 'on' });
    this.OPTION(() => this.SUBRULE(this.body));
  });

  public pattern = this.RULE('pattern', () => {
    this.SUBRULE(this.patternPart);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.patternPart);
    });
  });

  public patternPart = this.RULE('patternPart', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          // `conv*`: the star must touch the name.
          this.OPTION({
            GATE: () => this.LA(1).startOffset === (this.LA(0).endOffset ?? -2) + 1,
            DEF: () => this.CONSUME(T.Star),
          });
        },
      },
      { ALT: () => this.CONSUME2(T.Star) },
    ]);
  });

  public varyStmt = this.RULE('varyStmt', () => {
    this.CONSUME(T.Vary);
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(T.In);
    this.SUBRULE(this.expression, { LABEL: 'domain' });
  });

  public objectiveStmt = this.RULE('objectiveStmt', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Minimize) }, { ALT: () => this.CONSUME(T.Maximize) }]);
    this.CONSUME(T.Identifier);
    // `minimize a, b` — but `, key: v` starts the next attribute.
    this.MANY({
      GATE: () => this.LA(2).tokenType === T.Identifier && this.LA(3).tokenType !== T.Colon,
      DEF: () => {
        this.CONSUME(T.Comma);
        this.CONSUME2(T.Identifier);
      },
    });
  });

  /** >0 while parsing a `repeat` count, where `n {` starts the repeat's body, not an object. */
  private repeatCountDepth = 0;

  /** Called before each parse: recovery can unwind past the decrement below. */
  resetState(): void {
    this.repeatCountDepth = 0;
  }

  public repeatStmt = this.RULE('repeatStmt', () => {
    this.CONSUME(T.Repeat);
    this.ACTION(() => this.repeatCountDepth++);
    this.SUBRULE(this.expression, { LABEL: 'count' });
    this.ACTION(() => this.repeatCountDepth--);
    this.SUBRULE(this.body);
  });

  public qualifiedName = this.RULE('qualifiedName', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
  });

  // ── expressions ─────────────────────────────────────────────────────────────
  // Operands and binary operators in one flat list; the AST builder applies precedence
  // (in < .. < + - < * / < **, with ** right-associative). One rule instead of one per precedence
  // level keeps the CST shallow: a plain value was eight nested nodes; with the primaries inlined into
  // `unary`, it is two (one in an attribute, which holds its value's operands itself).
  public expression = this.RULE('expression', () => {
    this.operandsAndOperators();
  });

  /** `unary (op unary)*` under the labels `operands` and `ops`, inside whichever rule calls it. */
  private operandsAndOperators(): void {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.In, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.DotDot, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.StarStar, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'ops' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'ops' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  }

  /**
   * Prefix minus signs, a primary, then `[…]` suffixes (`tensor[1, 28, 28]`). The primaries sit in
   * this rule (no rule of their own): a plain operand is one CST node, not three or five; CST nodes
   * were most of the parser's allocations.
   */
  public unary = this.RULE('unary', () => {
    this.MANY(() => this.CONSUME(T.Minus));
    this.OR([
      { ALT: () => this.CONSUME(T.Quantity) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.body) },
      // A name: `name`, `a.b.c`, `f(args)`, or `head { members }` with the brace on the same line.
      // `key:` starts the next attribute, never a value: after `clock:` with the value not yet typed,
      // the next line's `rows: 128` stays an attribute of its own.
      {
        GATE: () => this.LA(2).tokenType !== T.Colon,
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'name' });
          this.MANY2(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Identifier, { LABEL: 'name' });
          });
          // The gate sits on the OPTION: a `{` that cannot start an object must end the expression.
          this.OPTION({
            GATE: () => this.LA(1).tokenType !== T.LCurly || (this.sameLine() && this.repeatCountDepth === 0),
            DEF: () => {
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME2(T.LParen, { LABEL: 'callOpen' });
                    this.OPTION2(() => this.SUBRULE(this.exprList, { LABEL: 'args' }));
                    this.CONSUME2(T.RParen, { LABEL: 'callClose' });
                  },
                },
                { ALT: () => this.SUBRULE2(this.body, { LABEL: 'objectBody' }) },
              ]);
            },
          });
        },
      },
    ]);
    this.MANY3(() => {
      this.CONSUME(T.LBracket);
      this.OPTION3(() => this.SUBRULE2(this.exprList, { LABEL: 'index' }));
      this.CONSUME(T.RBracket);
    });
  });

  public exprList = this.RULE('exprList', () => {
    this.SUBRULE(this.expression);
    this.MANY({
      GATE: () => this.LA(2).tokenType !== T.RBracket && this.LA(2).tokenType !== T.RParen,
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      },
    });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  public listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => this.SUBRULE(this.exprList));
    this.CONSUME(T.RBracket);
  });
}

/** The single parser instance; `parse.ts` resets its input for each text. */
export const pimParser = new PimParser();

export type { CstNode, IToken, TokenType };
