/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): self time by function and by package, idle and GC shares.
 *
 *   node dist/bench/cpu-profile.js <file.cpuprofile> [top=15]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  functions: { name: string; ms: number; share: number }[];
  packages: { name: string; ms: number; share: number }[];
}

/** Where a script lives: a package under node_modules, `node:` internals, or the project's own code. */
function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const own = /\/dist\/(libs\/[^/]+|apps\/[^/]+|bench)/.exec(url);
  return own ? own[1] : url;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const special = /^\((idle|program|garbage collector|root)\)$/.test(functionName);
    const name = special ? functionName : `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : '(native)'}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = special ? functionName : packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { totalMs: total / 1000, functions: rank(functions), packages: rank(packages) };
}

export function profileMarkdown(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const rows = (xs: ProfileSummary['functions']) => xs.map((x) => `| ${x.name.replaceAll('|', '\\|')} | ${x.ms.toFixed(0)} | ${pct(x.share)} |`).join('\n');
  return [
    `Profile of ${(summary.totalMs / 1000).toFixed(1)} s, self time:`,
    '',
    '| function | ms | share |',
    '|---|---:|---:|',
    rows(summary.functions),
    '',
    '| package | ms | share |',
    '|---|---:|---:|',
    rows(summary.packages),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(profileMarkdown(summariseProfile(process.argv[2], Number(process.argv[3] ?? 15))));
}
