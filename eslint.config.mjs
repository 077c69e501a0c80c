// typescript-eslint on every TypeScript file, with a small rule set: each rule guards a standard of
// this repository that the compiler (tsc --strict) does not check. Syntax-only (no type information),
// so `npm run lint` stays fast enough to run in `npm test`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'vscode-extension/out/**', '.scratch/**'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    // Comments that disable a rule this set does not enable are harmless.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // No eval or Function on anything, user input least of all.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      // Dead code: unused imports, variables and functions (an argument may be unused: callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }],
      // One import statement per module (the same module imported twice is a merge leftover).
      'no-duplicate-imports': ['error', { includeExports: false }],
      // Bindings never reassigned are const: a reader knows at the declaration.
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-var': 'error',
      // Equality without coercion, except the deliberate `x == null` (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-debugger': 'error',
    },
  },
  {
    // Functions stay under 120 lines in the packages (a test's describe block may be longer).
    files: [
      'grammar/src/**/*.ts',
      'ir/src/**/*.ts',
      'compiler/src/**/*.ts',
      'runtime/src/**/*.ts',
      'lsp/src/**/*.ts',
      'cli/src/**/*.ts',
      'vscode-extension/src/**/*.ts',
      'test/**/bench*.ts',
      'test/**/experiments/*.ts',
    ],
    // An error: every function is now split along its sections, and a function past 120 lines is one that
    // does several things (the team's standard); `npm test` runs the lint, so a new one fails at once.
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }] },
  },
  {
    // The layering: the runtime reads the IR through @pim/ir only; the compiler and the IR package
    // never load the runtime, the editor packages or tfjs (ARCHITECTURE.md).
    files: ['runtime/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@pim/compiler', '@pim/compiler/*', '@pim/lsp', '@pim/lsp/*', '@pim/cli'],
              message: 'the runtime reads the IR through @pim/ir only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['ir/src/**/*.ts', 'compiler/src/**/*.ts', 'grammar/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@pim/runtime',
                '@pim/runtime/*',
                '@pim/lsp',
                '@pim/lsp/*',
                '@pim/cli',
                '@tensorflow/*',
                'prettier',
                'prettier/*',
              ],
              message: 'the compiler side never loads the runtime, the editor packages, tfjs or Prettier',
            },
          ],
        },
      ],
    },
  },
);
