/**
 * Webhook endpoints (params from Stripe's OpenAPI spec: POST/GET /v1/webhook_endpoints, GET/POST/
 * DELETE /v1/webhook_endpoints/{id}). The signing secret (whsec_...) is in the create response only,
 * as on Stripe; it lives in the record's hidden state with any rolled-over secrets still valid
 * (see emulator/webhooks.ts, which delivers the partition's events to the enabled endpoints).
 * Stripe caps an account at 16 endpoints per mode. http:// URLs are accepted (tests deliver on
 * loopback; Stripe wants a public https URL in live mode). `api_version` is stored but events are
 * delivered in the emulator's one rendering. `connect: true` endpoints receive the events of the
 * other accounts (of the same mode) instead of their own. No events are recorded for endpoints
 * (Stripe has no webhook_endpoint.* events).
 */
import { invalidRequest, paramError } from '../errors';
import { randomAlnum } from '../ids';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { ResourceDefinition } from '../resource';
import { LIST_PARAMS, listOf } from '../routes';
import type { StoredRecord } from '../store';
import { EMPTY_METADATA_ON_CREATE } from './shared';

export const MAX_WEBHOOK_ENDPOINTS = 16;

/** A signing secret; `expiresAtMs` is set on an old secret that still signs while a roll overlaps. */
export interface SigningSecret {
  secret: string;
  expiresAtMs: number | null;
}

/** The emulator-only state of an endpoint record. */
export interface WebhookEndpointHidden {
  /** Newest first. */
  secrets: SigningSecret[];
  connect: boolean;
}

export const newSigningSecret = (): string => 'whsec_' + randomAlnum(32);

export function hiddenOf(record: StoredRecord): WebhookEndpointHidden {
  return record.hidden as WebhookEndpointHidden;
}

const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

function checkEnabledEvents(events: string[]): string[] {
  if (events.length === 0) throw paramError('Missing required param: enabled_events.', 'parameter_missing', 'enabled_events');
  events.forEach((type, i) => {
    if (type !== '*' && !EVENT_TYPE.test(type)) {
      throw paramError(`Invalid enabled_events[${i}]: must be '*' or an event type such as charge.succeeded`, undefined, `enabled_events[${i}]`);
    }
  });
  return [...new Set(events)];
}

function checkUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
    throw invalidRequest(`Invalid URL: ${url.length > 60 ? url.slice(0, 60) + '...' : url}. Webhook endpoint URLs must be http(s) URLs.`, {
      code: 'url_invalid',
      param: 'url',
      stage: 'validation',
    });
  }
  return url;
}

const SHARED_PARAMS: ParamSpecs = {
  description: p.string({ maxLength: 5000 }),
  enabled_events: p.array(p.string({ maxLength: 5000 })),
  metadata: p.metadata(),
  url: p.string({ maxLength: 5000, emptyable: false }),
};

export const webhookEndpoints: ResourceDefinition = {
  type: 'webhook_endpoint',
  idPrefix: 'we_',
  idLength: 24,
  basePath: '/v1/webhook_endpoints',
  events: false,

  create: {
    params: {
      ...SHARED_PARAMS,
      enabled_events: p.array(p.string({ maxLength: 5000 }), { required: true }),
      url: p.string({ required: true, maxLength: 5000 }),
      api_version: p.string({ maxLength: 5000, emptyable: false }),
      connect: p.boolean(),
    },
    handle(ctx, params) {
      const url = checkUrl(params.url);
      const enabledEvents = checkEnabledEvents(params.enabled_events);
      if (params.api_version !== undefined && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(params.api_version)) {
        throw paramError(`Invalid api_version: ${params.api_version}`, undefined, 'api_version');
      }
      if (ctx.store.live('webhook_endpoint').length >= MAX_WEBHOOK_ENDPOINTS) {
        throw invalidRequest(
          `You have reached the maximum of ${MAX_WEBHOOK_ENDPOINTS} ${ctx.livemode ? 'live' : 'test'} mode webhook endpoints for this account. ` +
            'Delete an endpoint you no longer use before creating another.',
        );
      }
      const object = {
        id: ctx.ids.next('we_', 24),
        object: 'webhook_endpoint',
        api_version: params.api_version ?? null,
        application: null,
        created: ctx.now,
        description: params.description ?? null,
        enabled_events: enabledEvents,
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        status: 'enabled',
        url,
      };
      const hidden: WebhookEndpointHidden = { secrets: [{ secret: newSigningSecret(), expiresAtMs: null }], connect: params.connect === true };
      return ctx.store.insert('webhook_endpoint', object, ctx.now, hidden);
    },
    revealed: (record) => ({ secret: hiddenOf(record).secrets[0]!.secret }),
  },

  retrieve: {},

  update: {
    params: { ...SHARED_PARAMS, disabled: p.boolean() },
    handle(_ctx, record, params: Params) {
      if (params.url !== undefined) checkUrl(params.url);
      if (params.enabled_events !== undefined) params.enabled_events = checkEnabledEvents(params.enabled_events);
      applyUpdate(record.object, params, ['description', 'enabled_events', 'metadata', 'url']);
      if (params.disabled !== undefined) record.object.status = params.disabled ? 'disabled' : 'enabled';
    },
  },

  del: {},

  // Custom only because Stripe's list takes no `created` filter.
  custom: [
    {
      method: 'GET',
      path: '/v1/webhook_endpoints',
      params: { limit: LIST_PARAMS.limit!, starting_after: LIST_PARAMS.starting_after!, ending_before: LIST_PARAMS.ending_before! },
      handle: (ctx, params) => listOf(ctx, webhookEndpoints, ctx.store.live('webhook_endpoint'), params, '/v1/webhook_endpoints'),
    },
  ],
};

/** Whether an endpoint wants an event of this type. */
export function wantsEvent(endpoint: Record<string, any>, type: string): boolean {
  const enabled = endpoint.enabled_events as string[];
  return enabled.includes('*') || enabled.includes(type);
}
