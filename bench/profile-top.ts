/**
 * The top self-time functions of a V8 CPU profile (`node --cpu-prof`), as BENCHMARKS.md quotes them:
 *
 *   BENCH_ONLY=connector BENCH_CASES=retrieve-64 node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/client.js
 *   node dist/bench/profile-top.js /tmp/prof/<file>.cpuprofile [count]
 *
 * Shares are of the non-idle samples ("(idle)" is the event loop waiting); "(program)" and
 * "(garbage collector)" are V8's own.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, countArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/profile-top.js <file.cpuprofile> [count]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += delta;
    const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + delta);
  });
  const top = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 20));
  process.stdout.write(`non-idle ${(busy / 1000).toFixed(0)} ms\n\n| self % of non-idle | function |\n| ---: | --- |\n`);
  for (const [name, micros] of top) process.stdout.write(`| ${((100 * micros) / busy).toFixed(1)} | \`${name}\` |\n`);
  process.stdout.write('\n| self % of non-idle | where |\n| ---: | --- |\n');
  for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1])) process.stdout.write(`| ${((100 * micros) / busy).toFixed(1)} | ${area} |\n`);
}

/** A package under node_modules, the project's own folder (client/, bench/), node's internals, or V8's own. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native (syscalls, builtins)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [first, second] = path.slice(inModules + 'node_modules/'.length).split('/');
    return first!.startsWith('@') ? `${first}/${second}` : first!;
  }
  const dist = path.match(/\/dist\/([^/]+)\//);
  return dist ? `${dist[1]}/ (project)` : path.startsWith('wasm') ? 'wasm (undici llhttp)' : 'other';
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}

main();
