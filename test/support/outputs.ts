import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { standaloneSchema, type SchemaDefs } from '../../connector/json-schema';
import type { Output } from '../../schemas/objects/define';

/** Fails with every field the schema refuses (path and reason), not just "did not match". */
export function expectMatchesOutput(output: Output | undefined, value: unknown, what: string): void {
  if (!output) throw new Error(`${what} declares no output schema`);
  const parsed = output.schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} does not match its output schema:\n${z.prettifyError(parsed.error)}`);
}

// Ajv in the manifest's dialect (2020-12), strict: an unknown keyword or an unresolvable $ref is an error.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addKeyword('x-lookup').addKeyword('x-advanced');
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/**
 * What a JSON Schema validator says of `value` against a schema from the manifest, its `$ref`s
 * resolved in the manifest's `$defs`: the exported form hosts and agents see, not the zod it came from.
 */
export function jsonSchemaProblems(schema: Record<string, unknown>, value: unknown, defs: SchemaDefs): string | undefined {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(standaloneSchema(schema, defs));
    compiled.set(schema, validate);
  }
  return validate(value) ? undefined : ajv.errorsText(validate.errors);
}
