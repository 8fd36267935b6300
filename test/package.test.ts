/**
 * The package as a host gets it: `npm pack`, the tarball installed in a scratch project, then every
 * entry point of the `exports` map imported from CommonJS and from an ES module, every import the
 * README shows checked in both, an action run against the packaged emulator from both, the typed
 * `runAction` compiled by a consumer's tsc, and `npx stripe-connector --help`. The main entry point
 * loads neither BullMQ, ioredis nor the MCP SDK.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..');
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; exports: Record<string, unknown> };

let scratch: string;
let tarball: { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

async function node(args: string[], cwd = scratch): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Each `import { a, b } from 'stripe-connector[/sub]'` the README shows, as subpath -> names. */
function readmeImports(): Map<string, Set<string>> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const imports = new Map<string, Set<string>>();
  for (const match of readme.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(stripe-connector(?:\/[^']*)?)'/g)) {
    const names = match[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean);
    const set = imports.get(match[2]!) ?? new Set<string>();
    for (const name of names) set.add(name);
    imports.set(match[2]!, set);
  }
  return imports;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'stripe-connector-pack-'));
  // The build is current (npm test builds first); --ignore-scripts packs exactly that build.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  tarball = JSON.parse(stdout)[0];
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-host', version: '1.0.0', private: true }));
  await run('npm', ['install', join(scratch, tarball.filename), '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build, the ES entry points and the manifest, and no tests, sources or maps', () => {
    const paths = tarball.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'manifest.json', 'dist/connector/index.js', 'dist/connector/index.d.ts', 'dist/esm/index.mjs', 'dist/esm/index.d.mts', 'dist/connector/cli/main.js', 'dist/emulator/index.js']) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => /^dist\/(test|demo|tools|bench)\//.test(p) || p.endsWith('.map') || /^(client|connector|actions|triggers|schemas|test)\//.test(p))).toEqual([]);
    process.stdout.write(`tarball: ${tarball.filename} ${tarball.size} bytes packed, ${tarball.unpackedSize} unpacked, ${tarball.entryCount} files\n`);
  });
});

describe('installed in a scratch project', () => {
  const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
  const specifier = (subpath: string) => (subpath === '.' ? 'stripe-connector' : `stripe-connector/${subpath.slice(2)}`);

  it('every exports entry loads from CommonJS and from an ES module, with the same names', async () => {
    for (const subpath of subpaths) {
      const spec = specifier(subpath);
      const cjs = JSON.parse(await node(['-e', `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(spec)})).sort()))`]));
      const esm = JSON.parse(
        await node(['--input-type=module', '-e', `const m = await import(${JSON.stringify(spec)}${spec.endsWith('.json') ? ", { with: { type: 'json' } }" : ''}); process.stdout.write(JSON.stringify(Object.keys(${spec.endsWith('.json') ? 'm.default' : 'm'}).sort()))`]),
      );
      expect(cjs.length).toBeGreaterThan(0);
      expect(esm).toEqual(cjs);
    }
  });

  it('every import the README shows resolves, in CommonJS and in an ES module', async () => {
    const imports = readmeImports();
    expect([...imports.keys()].sort()).toEqual(['stripe-connector', 'stripe-connector/emulator', 'stripe-connector/mcp']);
    for (const [spec, names] of imports) {
      const list = JSON.stringify([...names]);
      const cjsMissing = JSON.parse(await node(['-e', `const m = require(${JSON.stringify(spec)}); process.stdout.write(JSON.stringify(${list}.filter((n) => m[n] === undefined)))`]));
      const esmMissing = JSON.parse(await node(['--input-type=module', '-e', `const m = await import(${JSON.stringify(spec)}); process.stdout.write(JSON.stringify(${list}.filter((n) => m[n] === undefined)))`]));
      expect({ spec, cjsMissing, esmMissing }).toEqual({ spec, cjsMissing: [], esmMissing: [] });
    }
  });

  it('the main entry point loads no BullMQ, ioredis, MCP SDK, axios or schema until they are used', async () => {
    const probe = `const loaded = Object.keys(require('node:module')._cache).filter((f) => /node_modules\\/(bullmq|ioredis|@modelcontextprotocol|axios|undici|pino|zod)\\//.test(f));`;
    const cjs = await node(['-e', `require('stripe-connector'); ${probe} process.stdout.write(JSON.stringify(loaded))`]);
    const esm = await node(['--input-type=module', '-e', `await import('stripe-connector'); const { createRequire } = await import('node:module'); const require = createRequire(import.meta.url); ${probe} process.stdout.write(JSON.stringify(loaded))`]);
    expect(JSON.parse(cjs)).toEqual([]);
    expect(JSON.parse(esm)).toEqual([]);
    // A TriggerService's first queue is what brings BullMQ in (its queues are made on first use).
    const triggers = await node(['-e', `const { TriggerService } = require('stripe-connector'); try { new TriggerService({ redis: null }).pollQueue; } catch {} ${probe} process.stdout.write(JSON.stringify(loaded.some((f) => f.includes('/bullmq/')))); process.exit(0);`]);
    expect(triggers).toBe('true');
  });

  it('runs an action against the packaged emulator from CommonJS and from an ES module', async () => {
    const body = (load: string) => `
      ${load}
      const emulator = await startEmulator();
      try {
        const client = createClient({ secret_key: 'sk_test_packagedHost12345' }, { apiBase: emulator.url });
        const customer = await runAction('create_customer', { email: 'pack@example.com' }, { client });
        let refused = '';
        try { await runAction('create_customer', { email: 5 }, { client }); } catch (e) { refused = e instanceof StripeInputValidationError ? e.fields[0].field : 'wrong class'; }
        process.stdout.write(JSON.stringify({ object: customer.object, email: customer.email, refused, requests: emulator.requests.length }));
      } finally { await emulator.close(); await closeTransport(); }`;
    const cjs = await node(['-e', `(async () => { ${body(`const { createClient, runAction, closeTransport, StripeInputValidationError } = require('stripe-connector'); const { startEmulator } = require('stripe-connector/emulator');`)} })()`]);
    const esm = await node(['--input-type=module', '-e', body(`import { createClient, runAction, closeTransport, StripeInputValidationError } from 'stripe-connector'; import { startEmulator } from 'stripe-connector/emulator';`)]);
    for (const out of [cjs, esm]) expect(JSON.parse(out)).toEqual({ object: 'customer', email: 'pack@example.com', refused: 'email', requests: 1 });
  });

  it('types runAction by key for a TypeScript host, in CommonJS and ES module resolution', async () => {
    const typed = (ext: string) => `
      import { createClient, runAction } from 'stripe-connector';
      import { createMcpServer } from 'stripe-connector/mcp';
      const client = createClient({ secret_key: 'sk_test_typedHost123456' });
      export async function f(): Promise<string | null> {
        const customer = await runAction('create_customer', { email: 'a@b.co' }, { client });
        // @ts-expect-error email must be a string
        await runAction('create_customer', { email: 5 }, { client });
        const anyKey: unknown = await runAction(String('create_customer'), {}, { client });
        void [anyKey, createMcpServer, ${JSON.stringify(ext)}];
        return customer.email;
      }`;
    writeFileSync(join(scratch, 'typed-esm.mts'), typed('mts'));
    writeFileSync(join(scratch, 'typed-cjs.cts'), typed('cts'));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
        files: ['typed-esm.mts', 'typed-cjs.cts'],
      }),
    );
    await expect(node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'])).resolves.toBe('');
  });

  it('npx stripe-connector --help prints the usage', async () => {
    const { stdout } = await run('npx', ['--no-install', 'stripe-connector', '--help'], { cwd: scratch });
    expect(stdout).toContain('Usage: stripe-connector <command>');
    const version = await run('npx', ['--no-install', 'stripe-connector', '--version'], { cwd: scratch });
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
