'use strict';
const { connector, describeError } = require('../lib/connector');
const { registerAdminEndpoints } = require('../lib/admin');

/**
 * Runs one connector action per message. The input is the fields set in the editor (each a typed
 * value: a constant, msg.x, flow/global context, env), then, when "fields from msg.payload" is on,
 * the fields of msg.payload over them. It is checked (parseActionInput) before anything is sent.
 */
module.exports = function registerStripeAction(RED) {
  registerAdminEndpoints(RED);

  function evaluateField(node, field, msg) {
    return new Promise((resolve, reject) => {
      RED.util.evaluateNodeProperty(field.v, field.t || 'str', node, msg, (error, value) => (error ? reject(error) : resolve(value)));
    });
  }

  async function buildInput(node, msg) {
    const input = {};
    for (const [name, field] of Object.entries(node.fields)) {
      if (!field || field.v === undefined || field.v === '') continue;
      const value = await evaluateField(node, field, msg);
      if (value !== undefined) input[name] = value;
    }
    if (node.fromPayload && msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload)) Object.assign(input, msg.payload);
    return input;
  }

  function StripeActionNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.actionKey = config.action;
    node.fields = config.fields || {};
    node.fromPayload = config.fromPayload !== false;
    const connection = RED.nodes.getNode(config.connection);

    node.on('input', async (msg, send, done) => {
      let action;
      let parsed;
      try {
        if (!connection) throw new Error('no Stripe connection is configured');
        action = connector.getAction(node.actionKey);
        const input = await buildInput(node, msg);
        // A redelivered message (same _msgid through the same node) must not create twice.
        if (input.idempotency_key === undefined && takesIdempotencyKey(action.key)) {
          input.idempotency_key = `node-red-${node.id}-${msg._msgid}`;
        }
        parsed = connector.parseActionInput(action, input);
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: 'invalid input' });
        done(toCatchable(error));
        return;
      }
      node.status({ fill: 'blue', shape: 'dot', text: action.key });
      try {
        msg.payload = await connector.runParsed(action, parsed, { client: connection.client() });
        node.status({ fill: 'green', shape: 'dot', text: action.key });
        send(msg);
        done();
      } catch (error) {
        node.status({ fill: 'red', shape: 'ring', text: describeError(error).type || 'error' });
        done(toCatchable(error));
      }
    });
  }

  RED.nodes.registerType('stripe-action', StripeActionNode);
};

let idempotentActions;
function takesIdempotencyKey(key) {
  idempotentActions ??= new Set(connector.loadManifest().actions.filter((a) => a.input.properties && 'idempotency_key' in a.input.properties).map((a) => a.key));
  return idempotentActions.has(key);
}

/**
 * What a Catch node gets: Node-RED copies only message, code, stack and cause of the error into
 * msg.error, so the connector's masked error (type, code, request_id, status, fields) is the cause.
 */
function toCatchable(error) {
  const detail = describeError(error);
  const catchable = new Error(detail.message);
  if (detail.code !== undefined) catchable.code = detail.code;
  catchable.cause = detail;
  // Node-RED takes msg.error.message from toString(): the message alone, not "Error: ...".
  catchable.toString = () => detail.message;
  delete catchable.stack;
  return catchable;
}
