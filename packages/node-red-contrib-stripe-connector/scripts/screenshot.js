#!/usr/bin/env node
'use strict';
/**
 * Takes docs/node-red-editor.png: the Node-RED editor (embedded, temporary user dir, loopback) with
 * a stripe-action node's edit form open, in Debian's Chromium (playwright-core, no browser download).
 *   node packages/node-red-contrib-stripe-connector/scripts/screenshot.js [out.png]
 * Env: CHROMIUM (default /usr/bin/chromium).
 */
const { createServer } = require('node:http');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const PACKAGE_DIR = resolve(__dirname, '..');
const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
const OUT = resolve(process.argv[2] || join(REPO_DIR, 'docs', 'node-red-editor.png'));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const FLOW = [
  { id: 'tab1', type: 'tab', label: 'Stripe' },
  { id: 'conn1', type: 'stripe-connection', name: 'Stripe test', credentials: { secretKey: 'sk_test_screenshotOnly0000' } },
  { id: 'inj1', type: 'inject', z: 'tab1', x: 120, y: 100, props: [{ p: 'payload' }], payload: '{"customer":"cus_123"}', payloadType: 'json', wires: [['act1']] },
  {
    id: 'act1', type: 'stripe-action', z: 'tab1', x: 330, y: 100, connection: 'conn1', action: 'create_charge', fromPayload: false,
    fields: { amount: { t: 'num', v: '2000' }, currency: { t: 'str', v: 'usd' }, customer: { t: 'msg', v: 'payload.customer' }, description: { t: 'str', v: 'Order from Node-RED' } }, wires: [['dbg1']],
  },
  { id: 'dbg1', type: 'debug', z: 'tab1', x: 540, y: 100, active: true, wires: [] },
  { id: 'trg1', type: 'stripe-trigger', z: 'tab1', x: 130, y: 180, connection: 'conn1', trigger: 'new_charge', options: {}, every: '10m', redisUrl: 'redis://127.0.0.1:1', wires: [['dbg1']] },
];

async function main() {
  const RED = require('node-red');
  const { chromium } = require('playwright-core');
  const userDir = mkdtempSync(join(tmpdir(), 'sc-node-red-shot-'));
  const server = createServer((req, res) => RED.httpAdmin(req, res));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  RED.init(server, {
    userDir, credentialSecret: 'screenshot', nodesDir: [PACKAGE_DIR], httpAdminRoot: '/', httpNodeRoot: false,
    logging: { console: { level: 'warn' } }, editorTheme: { tours: false, projects: { enabled: false } }, telemetry: { enabled: false },
  });
  await RED.start();
  // The trigger would poll a Redis that is not there: deploy it stopped (only its form matters).
  FLOW.find((n) => n.id === 'trg1').d = true;
  const deployed = await fetch(`${url}/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(FLOW) });
  if (deployed.status !== 204) throw new Error(`deploy: HTTP ${deployed.status}`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.RED && window.RED.nodes && window.RED.nodes.node('act1'), null, { timeout: 30_000 });
    await page.evaluate(() => window.RED.editor.edit(window.RED.nodes.node('act1')));
    await page.waitForSelector('#stripe-action-fields .stripe-field', { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: OUT });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
    await RED.stop();
    server.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
