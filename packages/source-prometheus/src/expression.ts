// A light syntax check shared by PromQL, LogQL and TraceQL: brackets balance and strings close.
// The query itself is parsed by the server that runs it; this catches the typos that would
// otherwise only show up as a failing rule at its first evaluation.

const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const names: Record<string, string> = {
  '(': 'parenthesis',
  '[': 'bracket',
  '{': 'brace',
  ')': 'parenthesis',
  ']': 'bracket',
  '}': 'brace',
};

/** What is wrong with the expression's brackets or strings, or undefined when nothing is. */
export function checkExpression(expr: string): string | undefined {
  if (expr.trim() === '') return 'empty expression';
  const stack: { char: string; index: number }[] = [];
  for (let i = 0; i < expr.length; i++) {
    const char = expr[i]!;
    if (char === '"' || char === "'" || char === '`') {
      const end = closeOf(expr, i);
      if (end < 0) return `unterminated quoted string at position ${i + 1}`;
      i = end;
    } else if (char === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (char in closing) stack.push({ char, index: i });
    else if (char === ')' || char === ']' || char === '}') {
      const open = stack.pop();
      if (!open) return `unexpected right ${names[char]} '${char}' at position ${i + 1}`;
      if (closing[open.char] !== char)
        return `unexpected right ${names[char]} '${char}' at position ${i + 1}, expected '${closing[open.char]}'`;
    }
  }
  const open = stack.pop();
  if (open) return `unclosed left ${names[open.char]} at position ${open.index + 1}`;
  return undefined;
}

function closeOf(expr: string, start: number): number {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i;
  }
  return -1;
}
