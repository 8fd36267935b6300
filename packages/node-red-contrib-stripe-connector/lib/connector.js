'use strict';
/**
 * The connector, through its public API only. Installed from npm it is a (peer) package; inside this
 * repository (the test, or `npm install <repo>/packages/node-red-contrib-stripe-connector`, which
 * npm links to this folder) it is the enclosing repository's own build, two folders up.
 */
const path = require('node:path');

function load() {
  try {
    return require('stripe-connector');
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    try {
      const found = require(path.join(repoRoot, 'package.json'));
      if (found.name === 'stripe-connector') return require(repoRoot);
    } catch {
      // not inside the repository either: report the first problem below
    }
    throw new Error('node-red-contrib-stripe-connector needs the stripe-connector package: npm install stripe-connector (or install this package from the stripe-connector repository, built with `npm run build`)');
  }
}

const connector = load();

/** The subscription id of a trigger node: stable per node id, within the id rules (letters, digits, _ and -). */
function subscriptionIdOf(nodeId) {
  return `node-red-${String(nodeId).replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The connection a config node holds, as the connector takes it. */
function connectionConfig(credentials, settings) {
  const config = { secret_key: credentials && credentials.secretKey };
  if (settings.account) config.stripe_account = settings.account;
  if (settings.apiVersion) config.api_version = settings.apiVersion;
  return config;
}

/** The masked, key-free shape of an error, for a node's status, the editor and a Catch node. */
function describeError(error) {
  if (error && typeof error.toJSON === 'function') return error.toJSON();
  return { name: (error && error.name) || 'Error', message: connector.maskSecrets(String((error && error.message) || error)) };
}

module.exports = { connector, subscriptionIdOf, connectionConfig, describeError };
