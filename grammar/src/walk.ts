// Generic traversal of the AST, so passes and the LSP need not know every node's fields.
import type * as A from './ast.js';

/** Direct children of a node, in source order. */
export function children(node: A.Node): A.Node[] {
  switch (node.type) {
    case 'File':
      return node.items;
    case 'Import':
      return [node.path];
    case 'Const':
      return [node.name, ...(node.valueType ? [node.valueType] : []), node.value];
    case 'Block':
      return [
        node.kind,
        ...(node.name ? [node.name] : []),
        ...(node.base ? [node.base] : []),
        ...(node.count ? [node.count] : []),
        ...(node.body ?? []),
      ];
    case 'Attribute':
      return [node.key, node.value, ...(node.default ? [node.default] : [])];
    case 'Place':
      return [...node.targets, node.on, ...(node.body ?? [])];
    case 'Vary':
      return [node.path, node.domain];
    case 'Objective':
      return node.targets;
    case 'Repeat':
      return [node.count, ...node.body];
    case 'Binary':
      return [node.left, node.right];
    case 'Unary':
      return [node.operand];
    case 'Call':
      return [node.callee, ...node.args];
    case 'Index':
      return [node.target, ...node.args];
    case 'List':
      return node.items;
    case 'Object':
      return [...(node.head ? [node.head] : []), ...node.body];
    case 'Ref':
      return node.path;
    default:
      return [];
  }
}

/** Depth-first pre-order walk; return false from `visit` to skip a node's children. */
export function walk(
  node: A.Node,
  visit: (node: A.Node, parent: A.Node | undefined) => boolean | void,
  parent?: A.Node,
): void {
  if (visit(node, parent) === false) return;
  for (const c of children(node)) walk(c, visit, node);
}

/** The innermost chain of nodes whose span contains `offset`, outermost first. */
export function nodePath(root: A.Node, offset: number): A.Node[] {
  const path: A.Node[] = [];
  let cur: A.Node | undefined = root;
  while (cur) {
    path.push(cur);
    cur = children(cur).find((c) => c.span.start <= offset && offset <= c.span.end && c.span.end > c.span.start);
  }
  return path;
}
