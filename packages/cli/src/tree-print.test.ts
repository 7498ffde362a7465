import { describe, expect, it } from 'vitest';
import { printTree } from './tree-print.js';

const leaf = (value: string) => ({ value, children: [] });

describe('printTree', () => {
  it('draws treeprint v1.1.0 edges: │ with two no-break spaces, four spaces under ended branches', () => {
    const text = printTree([
      {
        value: 'root',
        children: [
          { value: 'a', children: [leaf('a1'), { value: 'a2', children: [leaf('a2x')] }] },
          { value: 'b', children: [leaf('b1')] },
        ],
      },
    ]);
    expect(text).toBe(
      [
        '.',
        '└── root',
        '    ├── a',
        '    │\u00a0\u00a0 ├── a1',
        '    │\u00a0\u00a0 └── a2',
        '    │\u00a0\u00a0     └── a2x',
        '    └── b',
        '        └── b1',
        '',
      ].join('\n'),
    );
  });

  it('prints only the dot for no nodes', () => {
    expect(printTree([])).toBe('.\n');
  });
});
