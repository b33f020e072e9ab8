import fs from 'node:fs';

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

export type ProfileSummary = {
  file: string;
  /** Busy time (idle excluded) after the first `skipFirstMs` (start-up: module loading, compiling). */
  totalMs: number;
  /** Self time by package (node_modules/<name>), our code (apps/…, packages/…), node internals, GC, idle. */
  byArea: { area: string; ms: number; pct: number }[];
  topFunctions: { fn: string; where: string; ms: number; pct: number }[];
};

function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 / native';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ours = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

/** Self time per function and per package of a V8 .cpuprofile (node --cpu-prof), idle excluded. */
export function summarizeProfile(file: string, skipFirstMs = 0, top = 20): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let elapsed = 0;
  for (let k = 0; k < p.samples.length; k++) {
    const ms = (p.timeDeltas[k] ?? 0) / 1000;
    elapsed += ms;
    if (elapsed < skipFirstMs) continue;
    if (byId.get(p.samples[k]!)?.callFrame.functionName === '(idle)') continue;
    self.set(p.samples[k]!, (self.get(p.samples[k]!) ?? 0) + ms);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, { where: string; ms: number }>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    const area = areaOf(n.callFrame.url, fn);
    total += ms;
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = `${n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|apps|packages)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    const key = `${fn} ${where}`;
    const f = fns.get(key) ?? { where, ms: 0 };
    f.ms += ms;
    fns.set(key, f);
  }
  const pct = (ms: number) => Number(((ms / total) * 100).toFixed(1));
  return {
    file,
    totalMs: Math.round(total),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([area, ms]) => ({ area, ms: Math.round(ms), pct: pct(ms) })),
    topFunctions: [...fns]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([key, f]) => ({ fn: key.split(' ')[0]!, where: f.where, ms: Math.round(f.ms), pct: pct(f.ms) })),
  };
}

/**
 * A profile summary as Markdown lines: `<label> (<busy> s busy[ <note>]): by area …`, a blank line, and the table of
 * the top functions.
 */
export function profileMarkdown(prof: ProfileSummary, label = 'Server CPU profile', note = 'after start-up'): string[] {
  return [
    `${label} (${(prof.totalMs / 1000).toFixed(1)} s busy${note ? ` ${note}` : ''}): by area ${prof.byArea.map((a) => `${a.area} ${a.pct}%`).join(', ')}`,
    '',
    '| Function | Where | Self ms | % |',
    '|---|---|---|---|',
    ...prof.topFunctions.map((f) => `| ${f.fn} | ${f.where} | ${f.ms} | ${f.pct} |`),
  ];
}
