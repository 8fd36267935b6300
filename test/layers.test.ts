/**
 * The house has floors, and imports only go down: schemas -> client -> actions, triggers -> connector
 * -> demo, tools, bench. actions/ and triggers/ stand side by side and never import each other; the
 * emulator stands apart (it imports none of the floors, and none of them imports it). Every import
 * counts: static, `import type`, `export ... from`, `import()`, `typeof import()` and lazy `require()`,
 * as TypeScript's own scanner finds them. Heavy packages are imported only where they are used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');

/** Each top-level folder's floor; a file may import its own folder or a lower floor. */
const FLOORS: Record<string, number> = { schemas: 0, client: 1, actions: 2, triggers: 2, connector: 3, demo: 4, tools: 4, bench: 4 };
const APART = 'emulator';

/** Packages that cost real load time or are one component's business, and the only places that may import them. */
const PACKAGE_HOMES: Record<string, RegExp> = {
  axios: /^client\/transport\.ts$|^bench\//,
  undici: /^client\/transport\.ts$|^bench\//,
  pino: /^client\/logger\.ts$/,
  qs: /^client\/encoding\.ts$|^emulator\//,
  bullmq: /^triggers\/|^bench\//,
  ioredis: /^triggers\/|^connector\/cli\/triggers\.ts$|^demo\/|^bench\//,
  '@modelcontextprotocol/sdk': /^connector\/mcp\/|^connector\/cli\/mcp\.ts$/,
};

export interface Violation {
  file: string;
  imports: string;
  why: string;
}

/** The project-relative path an import resolves to (a folder means its index), or the package name. */
function target(file: string, spec: string): { path?: string; pkg?: string } {
  if (!spec.startsWith('.')) return { pkg: spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]! };
  return { path: normalize(join(dirname(file), spec.replace(/\.js$/, ''))) };
}

/** Every import of every file that breaks the floors, the emulator's apartness, or a package's home. */
export function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const top = file.split('/')[0]!;
    for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
      const { path, pkg } = target(file, spec);
      if (pkg !== undefined) {
        const home = Object.entries(PACKAGE_HOMES).find(([name]) => pkg === name)?.[1];
        if (home && !home.test(file)) violations.push({ file, imports: spec, why: `${pkg} may only be imported by ${home.source}` });
        continue;
      }
      const to = path!.split('/')[0]!;
      if (to === top) continue;
      if (top === APART || to === APART) {
        if (top !== APART && FLOORS[top]! >= 4) continue; // the demo, the tools and the benchmarks run the emulator
        violations.push({ file, imports: spec, why: 'the emulator stands apart from the floors' });
        continue;
      }
      const from = FLOORS[top];
      const into = FLOORS[to];
      if (from === undefined || into === undefined) {
        violations.push({ file, imports: spec, why: `${to}/ is not a floor` });
      } else if (into > from) {
        violations.push({ file, imports: spec, why: `upward: ${top}/ (floor ${from}) imports ${to}/ (floor ${into})` });
      } else if (into === from) {
        violations.push({ file, imports: spec, why: `sideways: ${top}/ and ${to}/ stand on the same floor` });
      }
    }
  }
  return violations;
}

function sourceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.set(relative(ROOT, path), readFileSync(path, 'utf8'));
    }
  };
  for (const folder of [...Object.keys(FLOORS), APART]) walk(join(ROOT, folder));
  return files;
}

describe('the floors', () => {
  const files = sourceFiles();

  it('reads every source folder', () => {
    const tops = new Set([...files.keys()].map((file) => file.split('/')[0]));
    expect([...tops].sort()).toEqual(['actions', 'bench', 'client', 'connector', 'demo', 'emulator', 'schemas', 'tools', 'triggers']);
    expect(files.size).toBeGreaterThan(150);
  });

  it('has no upward, sideways or emulator import, and each heavy package only at home', () => {
    expect(layerViolations(files)).toEqual([]);
  });

  it('the Stripe client lives in client/, the assembly in connector/', () => {
    for (const file of ['client/client.ts', 'client/transport.ts', 'client/errors.ts', 'client/retry.ts', 'client/encoding.ts', 'client/connection.ts', 'client/logger.ts', 'client/version.ts']) {
      expect(files.has(file)).toBe(true);
    }
    for (const file of ['connector/registry.ts', 'connector/runner.ts', 'connector/manifest.ts', 'connector/index.ts', 'connector/cli/main.ts', 'connector/mcp/server.ts']) {
      expect(files.has(file)).toBe(true);
    }
    expect([...files.keys()].filter((file) => file.startsWith('connector/') && /client|transport|retry|encoding/.test(file))).toEqual([]);
  });

  it('finds each kind of violation (the check can fail)', () => {
    const planted = new Map([
      ['schemas/objects/event.ts', `import { STRIPE_API_VERSION } from '../../client/version';`],
      ['client/client.ts', `const registry = require('../connector/registry') as typeof import('../connector/registry');`],
      ['actions/charges.ts', `import type { TriggerEvent } from '../triggers/sink';`],
      ['triggers/poller.ts', `export { getAction } from '../connector/registry';`],
      ['connector/index.ts', `import { startEmulator } from '../emulator';`],
      ['emulator/resources/refunds.ts', `import { formatAmount } from '../../schemas/currency';`],
      ['connector/manifest.ts', `import { Queue } from 'bullmq';`],
      ['actions/raw.ts', `// import { nothing } from '../connector/registry'; comments do not count\nimport { z } from 'zod';`],
      ['demo/demo.ts', `import { startEmulator } from '../emulator';`],
    ]);
    expect(layerViolations(planted).map((v) => `${v.file}: ${v.why}`)).toEqual([
      'schemas/objects/event.ts: upward: schemas/ (floor 0) imports client/ (floor 1)',
      'client/client.ts: upward: client/ (floor 1) imports connector/ (floor 3)',
      'client/client.ts: upward: client/ (floor 1) imports connector/ (floor 3)',
      'actions/charges.ts: sideways: actions/ and triggers/ stand on the same floor',
      'triggers/poller.ts: upward: triggers/ (floor 2) imports connector/ (floor 3)',
      'connector/index.ts: the emulator stands apart from the floors',
      'emulator/resources/refunds.ts: the emulator stands apart from the floors',
      `connector/manifest.ts: bullmq may only be imported by ${PACKAGE_HOMES.bullmq!.source}`,
    ]);
  });
});
