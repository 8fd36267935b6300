/**
 * Setup intents (params from Stripe's OpenAPI spec: POST /v1/setup_intents, POST
 * /v1/setup_intents/{intent}, .../confirm, .../cancel, GET /v1/setup_intents).
 *
 * State machine (cards, no 3D Secure): requires_payment_method --(payment_method set)-->
 * requires_confirmation --confirm--> succeeded (the payment method is attached to the intent's
 * customer); requires_payment_method | requires_confirmation | requires_action --cancel--> canceled.
 * A decline card fails the confirmation: back to requires_payment_method with last_setup_error, 402.
 * Other transitions: 400 `setup_intent_unexpected_state`.
 * Events: setup_intent.created / succeeded / setup_failed / canceled (Stripe has no setup_intent.updated).
 */
import { invalidRequest, StripeError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import type { StripeErrorBody } from '../types';
import type { Decline } from './cards';
import { declineFields, intentUnexpectedState } from './intents';
import { attachDecline, attachPaymentMethod, resolvePaymentMethod } from './payment_methods';
import { EMPTY_METADATA_ON_CREATE, rejectUnmodelledReference } from './shared';

const CREATE_PARAMS: ParamSpecs = {
  attach_to_self: p.boolean(),
  automatic_payment_methods: p.object({ allow_redirects: p.enum(['always', 'never']), enabled: p.boolean({ required: true }) }),
  confirm: p.boolean(),
  confirmation_token: p.string({ maxLength: 5000 }),
  customer: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 1000 }),
  flow_directions: p.array(p.enum(['inbound', 'outbound'])),
  metadata: p.metadata(),
  on_behalf_of: p.string(),
  payment_method: p.string({ maxLength: 5000 }),
  payment_method_configuration: p.string({ maxLength: 100 }),
  payment_method_types: p.array(p.string({ maxLength: 5000 })),
  return_url: p.string(),
  usage: p.enum(['off_session', 'on_session']),
  use_stripe_sdk: p.boolean(),
};

const UPDATE_PARAMS: ParamSpecs = {
  customer: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 1000 }),
  metadata: p.metadata(),
  payment_method: p.string({ maxLength: 5000 }),
  payment_method_types: p.array(p.string({ maxLength: 5000 })),
};

const CONFIRM_PARAMS: ParamSpecs = {
  client_secret: p.string({ maxLength: 5000 }),
  confirmation_token: p.string({ maxLength: 5000 }),
  payment_method: p.string({ maxLength: 5000 }),
  return_url: p.string(),
  use_stripe_sdk: p.boolean(),
};

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export const setupIntents: ResourceDefinition = {
  type: 'setup_intent',
  idPrefix: 'seti_',
  idLength: 24,
  basePath: '/v1/setup_intents',
  events: { created: false, updated: false },

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      rejectUnmodelledReference(params.confirmation_token, 'ConfirmationToken', 'confirmation_token');
      rejectUnmodelledReference(params.payment_method_configuration, 'payment method configuration', 'payment_method_configuration');
      const customer = params.customer ? ctx.store.require('customer', params.customer, 'customer', 400).id : null;
      const pm = params.payment_method ? resolvePaymentMethod(ctx, params.payment_method, 'payment_method') : undefined;
      if (pm) checkOwner(pm, customer);
      const id = ctx.ids.next('seti_', 24);
      const object = {
        id,
        object: 'setup_intent',
        application: null,
        automatic_payment_methods: params.payment_method_types
          ? null
          : { allow_redirects: params.automatic_payment_methods?.allow_redirects ?? 'always', enabled: true },
        cancellation_reason: null,
        client_secret: `${id}_secret_${ctx.ids.next('', 25)}`,
        created: ctx.now,
        customer,
        description: params.description ?? null,
        flow_directions: params.flow_directions ?? null,
        last_setup_error: null,
        latest_attempt: null,
        livemode: ctx.livemode,
        mandate: null,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        next_action: null,
        on_behalf_of: params.on_behalf_of ?? null,
        payment_method: pm?.id ?? null,
        payment_method_configuration_details: null,
        payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
        payment_method_types: params.payment_method_types ?? ['card'],
        single_use_mandate: null,
        status: pm ? 'requires_confirmation' : 'requires_payment_method',
        usage: params.usage ?? 'off_session',
      };
      const record = ctx.store.insert('setup_intent', object, ctx.now);
      emitEvent(ctx, 'setup_intent.created', object);
      if (params.confirm) confirmSetupIntent(ctx, record, {});
      return record;
    },
  },

  retrieve: { params: { client_secret: p.string({ maxLength: 5000 }) } },

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const si = record.object;
      if (params.customer) {
        ctx.store.require('customer', params.customer, 'customer', 400);
        if (si.customer && si.customer !== params.customer) {
          throw invalidRequest('You cannot change the customer of a SetupIntent once set.', { param: 'customer' });
        }
      }
      if (params.payment_method) {
        if (!CONFIRMABLE.includes(si.status)) throw unexpectedState(si, `You cannot update this SetupIntent's payment_method because it has a status of ${si.status}.`);
        const pm = resolvePaymentMethod(ctx, params.payment_method, 'payment_method');
        checkOwner(pm, params.customer ?? si.customer);
        si.payment_method = pm.id;
        if (si.status === 'requires_payment_method') si.status = 'requires_confirmation';
      }
      applyUpdate(si, params, ['customer', 'description', 'metadata', 'payment_method_types']);
    },
  },

  actions: {
    confirm: {
      params: CONFIRM_PARAMS,
      handle: confirmSetupIntent,
    },
    cancel: {
      params: { cancellation_reason: p.enum(['abandoned', 'duplicate', 'requested_by_customer']) },
      handle(ctx, record, params) {
        const si = record.object;
        if (!CANCELABLE.includes(si.status)) {
          throw unexpectedState(
            si,
            `You cannot cancel this SetupIntent because it has a status of ${si.status}. ` +
              `Only a SetupIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
          );
        }
        si.status = 'canceled';
        si.cancellation_reason = params.cancellation_reason ?? null;
        emitEvent(ctx, 'setup_intent.canceled', si);
      },
    },
  },

  list: {
    params: {
      attach_to_self: p.boolean(),
      customer: p.string({ maxLength: 5000, emptyable: false }),
      payment_method: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (si, params) =>
      (params.customer === undefined || si.customer === params.customer) &&
      (params.payment_method === undefined || si.payment_method === params.payment_method),
  },

  expandable: { customer: { types: ['customer'] }, payment_method: { types: ['payment_method'] } },
};

function checkOwner(pm: StoredRecord, customer: string | null): void {
  const owner = pm.object.customer;
  if (owner && owner !== customer) {
    throw invalidRequest(`The provided PaymentMethod ${pm.id} is attached to another Customer (${owner}).`, { param: 'payment_method' });
  }
}

function confirmSetupIntent(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const si = record.object;
  if (!CONFIRMABLE.includes(si.status)) {
    throw unexpectedState(
      si,
      si.status === 'succeeded'
        ? 'You cannot confirm this SetupIntent because it has already succeeded.'
        : `You cannot confirm this SetupIntent because it has a status of ${si.status}. ` +
            `Only a SetupIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
    );
  }
  rejectUnmodelledReference(params.confirmation_token, 'ConfirmationToken', 'confirmation_token');
  const pmId: string | null = params.payment_method ?? si.payment_method;
  if (!pmId) {
    throw unexpectedState(
      si,
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId, 'payment_method');
  checkOwner(pm, si.customer);
  si.payment_method = pm.id;
  si.latest_attempt = ctx.ids.next('setatt_', 24);
  const decline: Decline | undefined = attachDecline(pm);
  if (decline) {
    si.status = 'requires_payment_method';
    si.payment_method = null;
    si.last_setup_error = { ...declineFields(decline), payment_method: structuredClone(pm.object), type: 'card_error' };
    emitEvent(ctx, 'setup_intent.setup_failed', si);
    const body: StripeErrorBody = {
      type: 'card_error',
      ...declineFields(decline),
      setup_intent: structuredClone(si),
      payment_method: structuredClone(pm.object),
    };
    throw new StripeError(402, body, 'execution');
  }
  // Attaching is what a setup intent is for: the card is saved to the customer.
  if (si.customer && !pm.object.customer) attachPaymentMethod(ctx, pm, si.customer);
  si.last_setup_error = null;
  si.status = 'succeeded';
  emitEvent(ctx, 'setup_intent.succeeded', si);
}

function unexpectedState(si: Record<string, any>, message: string): StripeError {
  return intentUnexpectedState('setup_intent', si, message);
}
