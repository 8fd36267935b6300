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
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const delta = profile.timeDeltas[i] ?? 0;
    if (frame.functionName === '(idle)') return;
    busy += delta;
    const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
  });
  const top = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 20));
  process.stdout.write(`non-idle ${(busy / 1000).toFixed(0)} ms\n\n| self % of non-idle | function |\n| ---: | --- |\n`);
  for (const [name, micros] of top) process.stdout.write(`| ${((100 * micros) / busy).toFixed(1)} | \`${name}\` |\n`);
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}

main();
