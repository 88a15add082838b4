// A V8 CPU profile (`node --cpu-prof`, the DevTools `.cpuprofile` format) as a flame graph that
// fits in a text note: the call tree with each frame's share of the samples, inclusive and self,
// pruned below a share; and as folded stacks (`a;b;c 42` per line), the input of Brendan Gregg's
// flamegraph.pl, speedscope and most other flame graph renderers.
//
// Shares are of samples, not of time: the profiler samples its thread at a fixed interval while
// the thread runs, and "(idle)" is the event loop waiting. Frames are named by function, file
// and line, so one function reached along two paths is two frames, as in any flame graph.

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly startTime?: number;
  readonly endTime?: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface FlameFrame {
  readonly name: string;
  /** Samples in this frame and everything it called. */
  total: number;
  /** Samples in this frame itself. */
  self: number;
  readonly children: Map<string, FlameFrame>;
}

/** The profile's call tree with sample counts; sibling nodes that name the same frame are merged. */
export function flameTree(profile: CpuProfile): FlameFrame {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);

  const root: FlameFrame = { name: '(all samples)', total: 0, self: 0, children: new Map() };
  for (const [id, count] of counts) {
    const path = stackOf(id, byId, parentOf);
    root.total += count;
    let frame = root;
    for (const name of path) {
      let child = frame.children.get(name);
      if (child === undefined) frame.children.set(name, (child = { name, total: 0, self: 0, children: new Map() }));
      child.total += count;
      frame = child;
    }
    frame.self += count;
  }
  return root;
}

/** Frame names from the outermost caller down to the sampled node, V8's own "(root)" left out. */
function stackOf(id: number, byId: Map<number, ProfileNode>, parentOf: Map<number, number>): string[] {
  const path: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const node = byId.get(at);
    if (node === undefined) throw new Error(`cpuprofile: sample names node ${at}, which the profile does not have`);
    if (node.callFrame.functionName === '(root)' && !parentOf.has(at)) break;
    path.push(frameName(node.callFrame));
  }
  return path.reverse();
}

/** `name file:line`, with V8's 0-based line made 1-based; V8's own entries, `(idle)` and the like, as they are. */
export function frameName(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/** One line per distinct stack, `caller;callee count`, sorted, as flamegraph.pl reads them. */
export function foldedStacks(tree: FlameFrame): string {
  const lines: string[] = [];
  const walk = (frame: FlameFrame, prefix: string): void => {
    for (const child of frame.children.values()) {
      // flamegraph.pl splits frames on ';' and the count off at the last space.
      const stack = prefix === '' ? child.name.replaceAll(';', ',') : `${prefix};${child.name.replaceAll(';', ',')}`;
      if (child.self > 0) lines.push(`${stack} ${child.self}`);
      walk(child, stack);
    }
  };
  walk(tree, '');
  return lines.sort().join('\n') + (lines.length > 0 ? '\n' : '');
}

export interface RenderOptions {
  /** Frames under this share of all samples (percent) are left out, their samples still in their callers' totals. */
  readonly minPercent: number;
  /** Frames deeper than this are left out. */
  readonly maxDepth: number;
}

/**
 * The tree as text, widest frame first under each caller:
 *
 *   total   self  frame
 *  100.0%   0.0%  (all samples)
 *   64.1%  64.1%  · (idle)
 *   13.8%   0.2%  · processTicksAndRejections task_queues:67
 *   10.3%   0.2%  · · enqueue chained-queue.js:32
 */
export function renderFlameText(tree: FlameFrame, options: RenderOptions): string {
  const lines = ['  total    self  frame'];
  const share = (count: number): string => `${((100 * count) / Math.max(1, tree.total)).toFixed(1)}%`.padStart(6);
  const walk = (frame: FlameFrame, depth: number): void => {
    lines.push(`${share(frame.total)}  ${share(frame.self)}  ${'· '.repeat(depth)}${frame.name}`);
    if (depth >= options.maxDepth) return;
    const children = [...frame.children.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
    for (const child of children) {
      if ((100 * child.total) / Math.max(1, tree.total) >= options.minPercent) walk(child, depth + 1);
    }
  };
  walk(tree, 0);
  return lines.join('\n') + '\n';
}

/** Throws with what is wrong when `value` is not a CPU profile this module can read. */
export function asCpuProfile(value: unknown): CpuProfile {
  const profile = value as Partial<CpuProfile> | null;
  if (profile === null || typeof profile !== 'object' || !Array.isArray(profile.nodes) || !Array.isArray(profile.samples)) {
    throw new Error('not a V8 CPU profile: expected an object with `nodes` and `samples` arrays (node --cpu-prof writes one)');
  }
  for (const node of profile.nodes as unknown[]) {
    const n = node as Partial<ProfileNode> | null;
    if (n === null || typeof n !== 'object' || typeof n.id !== 'number' || typeof n.callFrame?.functionName !== 'string' || typeof n.callFrame.url !== 'string' || typeof n.callFrame.lineNumber !== 'number') {
      throw new Error('not a V8 CPU profile: a node without `id` and `callFrame` {functionName, url, lineNumber}');
    }
  }
  return profile as CpuProfile;
}
