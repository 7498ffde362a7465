// Summarises a V8 .cpuprofile (node --cpu-prof): self time per frame and per location (workspace
// package, node_modules package, node internals, GC/idle/program), largest first.
import { readFileSync } from 'node:fs';

/** Where a script URL lives, at the granularity the lead fixes things at. */
function locationOf(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not attributed)';
    return '(native)';
  }
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace && !url.includes('/node_modules/')) return `@phoenix-alerting/${workspace[1]}`;
  const modules = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** `name file:line` of a profile node, with paths shortened to packages/… or node_modules/…. */
function frameOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const shortUrl = url.replace(/^file:\/\//, '').replace(/.*\/(packages|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${shortUrl ? `${shortUrl}:${lineNumber + 1}` : ''}`.trim();
}

/**
 * @param {string} file
 * @returns {{ totalMs: number, top: { frame: string, selfMs: number, percent: number,
 *   calledFrom?: { caller: string, selfMs: number, percent: number }[] }[],
 *   byPackage: { name: string, selfMs: number, percent: number }[] }}
 */
export function summariseCpuProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const location = (node) => locationOf(node.callFrame.url, node.callFrame.functionName);
  /** The nearest caller outside the frame's own location: who asked for this work. */
  const callerOf = (node) => {
    const own = location(node);
    let parent = nodes.get(parents.get(node.id));
    while (parent && location(parent) === own) parent = nodes.get(parents.get(parent.id));
    return parent ? frameOf(parent) : '(root)';
  };
  const selfUs = new Map();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byFrame = new Map();
  const byPackage = new Map();
  const callers = new Map();
  let total = 0;
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    const frame = frameOf(node);
    add(byFrame, frame, us);
    add(byPackage, location(node), us);
    if (!callers.has(frame)) callers.set(frame, new Map());
    add(callers.get(frame), callerOf(node), us);
    total += us;
  }
  const rows = (map, key) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        [key]: name,
        selfMs: Math.round(us / 1000),
        percent: Number(((100 * us) / total).toFixed(1)),
      }));
  const top = rows(byFrame, 'frame').slice(0, 40);
  for (const row of top.slice(0, 8))
    row.calledFrom = rows(callers.get(row.frame), 'caller').slice(0, 4);
  return { totalMs: Math.round(total / 1000), top, byPackage: rows(byPackage, 'name') };
}
