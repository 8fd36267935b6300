/** The n8n credential's values as the connector's client; errors as n8n errors, never with the key. */
import { NodeApiError, NodeOperationError, type ICredentialDataDecryptedObject, type INode, type JsonObject } from 'n8n-workflow';
import { StripeError, StripeInputValidationError, createClient, type StripeClient } from 'stripe-connector';
import { FieldValueError } from './schema-fields';

export const CREDENTIAL_NAME = 'stripeConnectorApi';

/** The client of a node's credential; a malformed key fails here as a NodeOperationError naming the field. */
export async function nodeClient(ctx: { getCredentials(name: string): Promise<ICredentialDataDecryptedObject>; getNode(): INode }): Promise<StripeClient> {
  const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
  try {
    return clientFromCredentials(credentials);
  } catch (error) {
    throw toNodeError(ctx.getNode(), error);
  }
}

export function clientFromCredentials(credentials: ICredentialDataDecryptedObject): StripeClient {
  const optional = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  return createClient(
    {
      secret_key: String(credentials.secretKey ?? ''),
      stripe_account: optional(credentials.stripeAccount),
      api_version: optional(credentials.apiVersion),
    },
    { apiBase: optional(credentials.apiBase) },
  );
}

/**
 * Bad input (caught before any request) becomes a NodeOperationError naming the field; a Stripe
 * answer a NodeApiError carrying type, code and request_id. The connector has masked every string
 * of its errors already, so the key cannot ride along.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
  if (error instanceof FieldValueError) {
    return new NodeOperationError(node, error.message, { itemIndex, description: `Field ${error.field}. Nothing was sent to Stripe.` });
  }
  if (error instanceof StripeInputValidationError) {
    return new NodeOperationError(node, error.message, {
      itemIndex,
      description: `${error.fields.map((f) => `${f.field}: ${f.message}`).join('\n')}\nNothing was sent to Stripe.`,
    });
  }
  if (error instanceof StripeError) {
    const json = error.toJSON() as unknown as JsonObject;
    const apiError = new NodeApiError(node, json, {
      itemIndex,
      message: error.message,
      description: [`type: ${error.type}`, error.code && `code: ${error.code}`, error.requestId && `request_id: ${error.requestId}`].filter(Boolean).join(', '),
      httpCode: error.statusCode === undefined ? undefined : String(error.statusCode),
    });
    return apiError;
  }
  return new NodeOperationError(node, error instanceof Error ? error : new Error(String(error)), { itemIndex });
}
