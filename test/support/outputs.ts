import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { z } from 'zod';
import type { Output } from '../../schemas/objects/define';

/** Fails with every field the schema refuses (path and reason), not just "did not match". */
export function expectMatchesOutput(output: Output | undefined, value: unknown, what: string): void {
  if (!output) throw new Error(`${what} declares no output schema`);
  const parsed = output.schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} does not match its output schema:\n${z.prettifyError(parsed.error)}`);
}

const ajv = new AjvJsonSchemaValidator();

/**
 * What a JSON Schema validator (the one the MCP SDK's client uses) says of `value` against the
 * manifest's JSON Schema: the exported form hosts and agents see, not the zod it came from.
 */
export function jsonSchemaProblems(schema: Record<string, unknown>, value: unknown): string | undefined {
  const { $schema: _dialect, ...rest } = schema;
  const result = ajv.getValidator(rest)(value);
  return result.valid ? undefined : result.errorMessage;
}
