'use strict';
/**
 * The editor's data, served once per runtime whichever node file registers first: the manifest (the
 * editor builds every action and trigger form from it), and lookups (a lookup field's choices, read
 * with the deployed connection's key, which stays on the server).
 */
const { connector, describeError } = require('./connector');

const registered = new WeakSet();

function registerAdminEndpoints(RED) {
  if (registered.has(RED.httpAdmin)) return;
  registered.add(RED.httpAdmin);
  RED.httpAdmin.get('/stripe-connector/manifest', RED.auth.needsPermission('stripe-action.read'), (req, res) => {
    res.json(connector.loadManifest());
  });
  RED.httpAdmin.get('/stripe-connector/lookup', RED.auth.needsPermission('stripe-action.read'), async (req, res) => {
    const { connection, action, value = 'id', label = 'id' } = req.query;
    const node = connection && RED.nodes.getNode(connection);
    if (!node || typeof node.client !== 'function') {
      res.json({ ok: false, error: { message: 'deploy the connection first' } });
      return;
    }
    try {
      const result = await connector.runAction(String(action), { limit: 50 }, { client: node.client() });
      const items = (result && result.data) || [];
      res.json({ ok: true, items: items.map((item) => ({ value: item[value], label: item[label] || item[value] })) });
    } catch (error) {
      res.json({ ok: false, error: describeError(error) });
    }
  });
}

module.exports = { registerAdminEndpoints };
