#!/usr/bin/env node
/**
 * The build: `tsc`, then the ESM entry points (dist/tools/esm-entries.js), then the playground's
 * page (playground/: type-checked with its own tsconfig, bundled by Vite into dist/playground), then a
 * record of what was built from. `--if-stale` skips all of it when the inputs are byte for byte those of the last
 * successful build, so `npm run emulator`, `npm run demo` and `npm test` start at once on a current
 * build; `--status` only prints `current` or `stale`. Plain JavaScript: it has to run before anything
 * is compiled.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const PLAYGROUND = 'playground';
// BUILD_RECORD: another record to compare with (the test of this script).
const RECORD = process.env.BUILD_RECORD || join(ROOT, 'dist', '.build-inputs');

/** What a build reads: tsconfig's folders (.ts, .json, .mjs), the page's sources, tsconfig itself, the package and its lock. */
function inputHash() {
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  const files = ['tsconfig.json', 'package.json', 'package-lock.json'];
  const walk = (dir, pattern) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, pattern);
      else if (pattern.test(entry.name)) files.push(relative(ROOT, path));
    }
  };
  for (const folder of tsconfig.include) if (existsSync(join(ROOT, folder))) walk(join(ROOT, folder), /\.(ts|json|mjs)$/);
  for (const pkg of subPackages()) for (const folder of ['tsconfig.json', 'package.json', ...JSON.parse(readFileSync(join(pkg, 'tsconfig.json'), 'utf8')).include]) {
    const path = join(pkg, folder);
    if (!existsSync(path)) continue;
    if (folder.endsWith('.json')) files.push(relative(ROOT, path));
    else walk(path, /\.(ts|json|mjs)$/);
  }
  walk(join(ROOT, PLAYGROUND), /\.(ts|mts|tsx|json|css|html)$/);
  const hash = createHash('sha256');
  for (const file of files.sort()) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

/** packages/* with their own tsconfig.json: built after the connector, whose declarations they compile against. */
function subPackages() {
  const dir = join(ROOT, 'packages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'tsconfig.json')))
    .map((entry) => join(dir, entry.name));
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const inputs = inputHash();
const current = existsSync(RECORD) && readFileSync(RECORD, 'utf8') === inputs;
if (process.argv.includes('--status')) {
  process.stdout.write(`${current ? 'current' : 'stale'}\n`);
  process.exit(0);
}
if (process.argv.includes('--if-stale') && current) process.exit(0);
// From empty, so a file moved or deleted in the sources leaves nothing behind to be packed or imported.
rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
run(process.execPath, [join(ROOT, 'dist', 'tools', 'esm-entries.js')]);
for (const pkg of subPackages()) {
  rmSync(join(pkg, 'dist'), { recursive: true, force: true });
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(pkg, 'tsconfig.json')]);
}
run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PLAYGROUND, 'tsconfig.json')]);
run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(PLAYGROUND, 'vite.config.mts')]);
// Recorded from the inputs as they were before compiling: a file edited during the build makes the next one rebuild.
writeFileSync(RECORD, inputs);
