/**
 * A form's fields as text, read from its JSON Schema (the manifest's view of an action's input or a
 * trigger's options): name, type, required or default, description.
 */
type Schema = Record<string, unknown>;

export interface FieldRow {
  name: string;
  type: string;
  /** `required`, `default <value>`, or empty. */
  presence: string;
  description: string;
}

const MAX_LISTED_KEYS = 6;

function variants(schema: Schema): Schema[] | undefined {
  const list = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  return Array.isArray(list) ? list : undefined;
}

/** A schema's type in a few words: `string`, `integer`, `one of a|b`, `array of string`, `object {a, b}`, `... or null`. */
export function typeLabel(schema: Schema): string {
  const options = variants(schema);
  if (options) {
    const nullable = options.some((s) => s.type === 'null');
    const rest = [...new Set(options.filter((s) => s.type !== 'null').map(typeLabel))];
    return `${rest.join(' or ') || 'null'}${nullable && rest.length ? ' or null' : ''}`;
  }
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => String(v)).join('|')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? (schema.type as string[]).join(' or ') : (schema.type as string | undefined);
  switch (type) {
    case 'array':
      return `array of ${schema.items ? typeLabel(schema.items as Schema) : 'any'}`;
    case 'object': {
      const properties = Object.keys((schema.properties as Schema | undefined) ?? {});
      if (properties.length > 0) {
        const shown = properties.slice(0, MAX_LISTED_KEYS).join(', ');
        return `object {${shown}${properties.length > MAX_LISTED_KEYS ? ', ...' : ''}}`;
      }
      const values = schema.additionalProperties;
      return values && typeof values === 'object' ? `map of ${typeLabel(values as Schema)}` : 'object';
    }
    case undefined:
      return 'any';
    default:
      return typeof schema.format === 'string' ? `${type} (${schema.format})` : type;
  }
}

/** The top-level fields of an object schema, in declaration order. */
export function fieldRows(schema: Schema): FieldRow[] {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, field]) => ({
    name,
    type: typeLabel(field),
    presence: required.has(name) ? 'required' : field.default !== undefined ? `default ${JSON.stringify(field.default)}` : '',
    description: typeof field.description === 'string' ? field.description : '',
  }));
}

/** Rows as text: name, type and presence in columns, the description wrapped beneath at `width`. */
export function renderFields(rows: FieldRow[], width = 100): string {
  const nameWidth = Math.min(28, Math.max(...rows.map((r) => r.name.length), 4));
  const lines: string[] = [];
  for (const row of rows) {
    const head = `  ${row.name.padEnd(nameWidth)}  ${row.type}${row.presence ? `  (${row.presence})` : ''}`;
    lines.push(head);
    if (row.description) lines.push(...wrap(row.description, width - 6).map((line) => `      ${line}`));
  }
  return lines.join('\n');
}

export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
