// Child tools (Prettier, vscode-tmgrammar-test) colour their output when CI sets FORCE_COLOR; the
// tests read plain text, so colour is turned off in the child's environment and stripped anyway.
export const plainEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
