import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { stripeManifest } from '../shared/schema-fields';

const connection = stripeManifest().connection.schema as { properties: Record<string, { title: string; description: string }> };
const field = (name: string) => connection.properties[name]!;

/**
 * The connection form. The key's mode is shown where the key is typed: n8n evaluates displayOptions
 * conditions (`_cnd`) on the form's values, so a notice appears under the field for a live or a
 * restricted key while it is entered (once saved, n8n sends the editor a placeholder instead of the
 * key, so the notice shows only while the key is being typed; the Stripe node's output and the test
 * then tell the mode).
 */
export class StripeConnectorApi implements ICredentialType {
  name = 'stripeConnectorApi';
  displayName = 'Stripe Connector API';
  documentationUrl = 'https://docs.stripe.com/keys';
  properties: INodeProperties[] = [
    {
      displayName: field('secret_key').title,
      name: 'secretKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description: field('secret_key').description,
    },
    {
      displayName: 'Live key: calls made with it move real money.',
      name: 'liveNotice',
      type: 'notice',
      default: '',
      displayOptions: { show: { secretKey: [{ _cnd: { regex: '^(sk|rk)_live_' } }] } },
    },
    {
      displayName: 'Restricted key (rk_): actions it has no permission for fail with a permission error.',
      name: 'restrictedNotice',
      type: 'notice',
      default: '',
      displayOptions: { show: { secretKey: [{ _cnd: { startsWith: 'rk_' } }] } },
    },
    {
      displayName: field('stripe_account').title,
      name: 'stripeAccount',
      type: 'string',
      default: '',
      placeholder: 'acct_...',
      description: field('stripe_account').description,
    },
    {
      displayName: field('api_version').title,
      name: 'apiVersion',
      type: 'string',
      default: '',
      placeholder: stripeManifest().stripe_api_version,
      description: field('api_version').description,
    },
    {
      displayName: 'API Base URL',
      name: 'apiBase',
      type: 'string',
      default: '',
      placeholder: 'https://api.stripe.com',
      description: 'Leave empty for Stripe. Set it only to point at a Stripe emulator (tests, demos).',
    },
  ];

  // Only the connection test goes through n8n's HTTP layer (the nodes use the connector's own client).
  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: { auth: { username: '={{$credentials.secretKey}}', password: '' } },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.apiBase || "https://api.stripe.com"}}',
      url: '/v1/balance',
      method: 'GET',
    },
  };
}
