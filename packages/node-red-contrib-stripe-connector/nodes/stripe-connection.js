'use strict';
const { connector, connectionConfig, describeError } = require('../lib/connector');

module.exports = function registerStripeConnection(RED) {
  function StripeConnectionNode(config) {
    RED.nodes.createNode(this, config);
    this.name = config.name;
    this.account = config.account || '';
    this.apiVersion = config.apiVersion || '';
    let client;
    /** The connector's connection (with the key from the credentials store). */
    this.connection = () => connectionConfig(this.credentials, this);
    /** One client per config node, made on first use (a bad key throws here, naming the field). */
    this.client = () => {
      client ??= connector.createClient(this.connection());
      return client;
    };
  }

  RED.nodes.registerType('stripe-connection', StripeConnectionNode, {
    credentials: { secretKey: { type: 'password' } },
  });

  // The editor's Test button. A key typed in the form is used; else (the field shows the
  // credential placeholder) the deployed node's stored key. The answer never holds the key.
  RED.httpAdmin.post('/stripe-connection/test', RED.auth.needsPermission('stripe-connection.write'), async (req, res) => {
    const body = req.body || {};
    const typed = typeof body.secretKey === 'string' && body.secretKey !== '' && body.secretKey !== '__PWRD__' ? body.secretKey : undefined;
    const stored = body.id ? RED.nodes.getCredentials(body.id) : undefined;
    const secretKey = typed ?? (stored && stored.secretKey);
    if (!secretKey) {
      res.json({ ok: false, error: { type: 'input_validation_error', message: 'no secret key: type one, or deploy the connection first' } });
      return;
    }
    try {
      const client = connector.createClient(connectionConfig({ secretKey }, { account: body.account, apiVersion: body.apiVersion }));
      res.json(await connector.testConnection(client));
    } catch (error) {
      res.json({ ok: false, error: describeError(error) });
    }
  });
};
