// The ASCII tree amtool draws with github.com/xlab/treeprint v1.1.0, byte for byte: a `.` root,
// `├── ` / `└── ` before each node, and `│` followed by two no-break spaces and a space (that
// version's indent) or four spaces under ended branches. Values are printed as they are, so a
// value holding a newline breaks the picture exactly as amtool's does.

/** One node of a printed tree. */
export interface TreeNode {
  value: string;
  children: readonly TreeNode[];
}

const LINK = '\u2502\u00a0\u00a0 ';
const ENDED = '    ';
const MIDDLE = '\u251c\u2500\u2500';
const END = '\u2514\u2500\u2500';

/** Renders `roots` under a `.` root; the text ends with a newline, as treeprint's `String()`. */
export function printTree(roots: readonly TreeNode[]): string {
  const lines: string[] = ['.'];
  const visit = (nodes: readonly TreeNode[], prefix: string): void => {
    nodes.forEach((node, index) => {
      const last = index === nodes.length - 1;
      lines.push(`${prefix}${last ? END : MIDDLE} ${node.value}`);
      visit(node.children, prefix + (last ? ENDED : LINK));
    });
  };
  visit(roots, '');
  return `${lines.join('\n')}\n`;
}
