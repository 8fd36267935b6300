'use strict';
const { connector, subscriptionIdOf, describeError } = require('../lib/connector');
const { registerAdminEndpoints } = require('../lib/admin');

const STATUS_REFRESH_MS = 5_000;

/**
 * One subscription per node (id from the node id), polled by a worker of its own on the Redis the
 * node names; each event is one message, once (the worker's onEvent: a thrown send would be
 * retried, and a restart resumes from the stored cursor). Any input message asks for a poll now.
 * Closing (stop, redeploy, restart) keeps the subscription, so nothing is emitted again; removing
 * the node from the flow unsubscribes it.
 */
module.exports = function registerStripeTrigger(RED) {
  registerAdminEndpoints(RED);

  function StripeTriggerNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    const connection = RED.nodes.getNode(config.connection);
    const subscriptionId = subscriptionIdOf(node.id);
    let worker;
    let statusTimer;
    let closed = false;

    const showError = (error) => node.status({ fill: 'red', shape: 'ring', text: `failing: ${describeError(error).message}`.slice(0, 120) });

    async function refreshStatus() {
      try {
        const info = await worker.service.status(subscriptionId);
        if (closed || !info) return;
        const state = info.state || {};
        if (state.status === 'failing' || state.last_error) {
          node.status({ fill: 'red', shape: 'ring', text: `failing: ${String(state.last_error || 'unknown error').slice(0, 100)}` });
        } else {
          node.status({ fill: 'green', shape: 'dot', text: `polling every ${config.every || '10m'}${state.last_success_at ? `, last ${state.last_success_at}` : ''}` });
        }
      } catch (error) {
        if (!closed) showError(error);
      }
    }

    async function start() {
      if (!connection) throw new Error('no Stripe connection is configured');
      const options = { ...(config.options || {}), every: config.every || '10m' };
      worker = connector.createTriggerWorker({
        connection: config.redisUrl || 'redis://127.0.0.1:6379',
        prefix: config.prefix || undefined,
        resolveCredentials: () => connection.connection(),
        onEvent: (event, delivery) => {
          node.send({ payload: event.object, topic: event.trigger, event: { ...event, object: undefined, delivery_id: delivery.id } });
        },
      });
      await worker.service.subscribe({ id: subscriptionId, trigger: config.trigger, options, connection_ref: connection.id });
      if (closed) return;
      node.status({ fill: 'yellow', shape: 'dot', text: 'polling' });
      statusTimer = setInterval(refreshStatus, STATUS_REFRESH_MS);
      statusTimer.unref();
    }

    const started = start().catch((error) => {
      showError(error);
      node.error(describeError(error).message);
    });

    node.on('input', async (msg, send, done) => {
      try {
        await started;
        if (!worker) throw new Error('the trigger did not start (see its status)');
        await worker.service.requestPoll(subscriptionId);
        done();
      } catch (error) {
        done(new Error(describeError(error).message));
      }
    });

    node.on('close', async (removed, done) => {
      closed = true;
      clearInterval(statusTimer);
      try {
        await started;
        if (worker) {
          if (removed) await worker.service.unsubscribe(subscriptionId);
          await worker.close(5_000);
        }
      } catch (error) {
        node.warn(describeError(error).message);
      }
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('stripe-trigger', StripeTriggerNode);
};
