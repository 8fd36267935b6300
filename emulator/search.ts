/**
 * A subset of Stripe's search query language, enough for the fields the emulated resources
 * declare:
 *   field:'value'   exact match (per-field case sensitivity)     field:null   the field is unset
 *   field~'value'   substring, at least 3 characters             -clause      negation
 *   field>n  field<n  field>=n  field<=n  field:n   on numbers   metadata['key']:'value'
 * Clauses are joined by AND, OR or a space (= AND); Stripe rejects mixing AND with OR, and more
 * than 10 clauses. Values are quoted with ' or "; numbers, null, true and false may be bare.
 */
import { createHash } from 'node:crypto';
import { paramError } from './errors';
import type { SameSecondOrder } from './types';
import type { StoredRecord } from './store';

export type SearchField =
  | { kind: 'string'; path?: string; caseInsensitive?: boolean; substring?: boolean }
  | { kind: 'number'; path?: string }
  | { kind: 'boolean'; path?: string }
  | { kind: 'metadata' };

type Op = ':' | '~' | '>' | '<' | '>=' | '<=';

interface Clause {
  negated: boolean;
  field: string;
  metadataKey?: string;
  op: Op;
  value: string | number | boolean | null;
  quoted: boolean;
}

export interface ParsedQuery {
  clauses: Clause[];
  join: 'AND' | 'OR';
}

const MAX_CLAUSES = 10;

const queryError = (message: string) => paramError(message, undefined, 'query');

/** Parses and checks a query against a resource's searchable fields; `resource` names it in errors. */
export function parseQuery(query: string, fields: Record<string, SearchField>, resource: string): ParsedQuery {
  const clauses: Clause[] = [];
  const joins = new Set<'AND' | 'OR'>();
  let i = 0;
  const skipSpace = () => {
    while (i < query.length && /\s/.test(query[i]!)) i++;
  };

  for (;;) {
    skipSpace();
    if (i >= query.length) break;
    if (clauses.length > 0) {
      const word = /^(AND|OR)(?=\s)/i.exec(query.slice(i));
      if (word) {
        joins.add(word[1]!.toUpperCase() as 'AND' | 'OR');
        i += word[0].length;
        skipSpace();
      } else joins.add('AND');
    }
    const start = i;
    const negated = query[i] === '-';
    if (negated) i++;
    let field: string;
    let metadataKey: string | undefined;
    const meta = /^metadata\[/.exec(query.slice(i));
    if (meta) {
      i += meta[0].length;
      const key = readQuoted();
      if (key === undefined || query[i] !== ']') throw queryError(`Invalid query: expected metadata['key'] at position ${start}.`);
      i++;
      field = 'metadata';
      metadataKey = key;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
      if (!name) throw queryError(`Invalid query: expected a field name at position ${i} of \`${query}\`.`);
      field = name[0];
      i += field.length;
    }
    const opMatch = /^(>=|<=|:|~|>|<)/.exec(query.slice(i));
    if (!opMatch) throw queryError(`Invalid query: expected an operator (:, ~, >, <, >=, <=) after \`${field}\`.`);
    const op = opMatch[1] as Op;
    i += op.length;
    let value: string | number | boolean | null;
    let quoted = false;
    if (query[i] === "'" || query[i] === '"') {
      value = readQuoted()!;
      quoted = true;
    } else {
      const bare = /^[^\s]+/.exec(query.slice(i))?.[0] ?? '';
      i += bare.length;
      if (/^-?\d+(\.\d+)?$/.test(bare)) value = Number(bare);
      else if (bare === 'null') value = null;
      else if (bare === 'true' || bare === 'false') value = bare === 'true';
      else throw queryError(`Invalid query: the value ${bare ? `\`${bare}\`` : 'after `' + field + op + '`'} must be quoted.`);
    }
    clauses.push({ negated, field, metadataKey, op, value, quoted });
  }

  if (clauses.length === 0) throw queryError('Invalid query: the query is empty.');
  if (clauses.length > MAX_CLAUSES) throw queryError(`Invalid query: a query can have at most ${MAX_CLAUSES} clauses.`);
  if (joins.size > 1) throw queryError('Invalid query: AND and OR cannot be combined in the same query.');
  for (const clause of clauses) checkClause(clause, fields, resource);
  return { clauses, join: joins.has('OR') ? 'OR' : 'AND' };

  function readQuoted(): string | undefined {
    const quote = query[i];
    if (quote !== "'" && quote !== '"') return undefined;
    let out = '';
    for (i++; i < query.length; i++) {
      const c = query[i]!;
      if (c === '\\' && i + 1 < query.length) out += query[++i];
      else if (c === quote) {
        i++;
        return out;
      } else out += c;
    }
    throw queryError('Invalid query: unterminated quoted value.');
  }
}

function checkClause(clause: Clause, fields: Record<string, SearchField>, resource: string): void {
  const spec = fields[clause.field];
  if (!spec) {
    throw queryError(
      `Field \`${clause.field}\` is an unsupported search field for resource \`${resource}\`. ` +
        `See https://stripe.com/docs/search#query-fields-for-${resource.replace(/_/g, '-')} for a list of supported fields.`,
    );
  }
  const comparison = clause.op !== ':' && clause.op !== '~';
  if (clause.op === '~') {
    if (spec.kind !== 'string' || !spec.substring) throw queryError(`Field \`${clause.field}\` does not support substring matching (~).`);
    if (typeof clause.value !== 'string' || clause.value.length < 3) {
      throw queryError(`Substring matching (~) on \`${clause.field}\` needs a quoted value of at least 3 characters.`);
    }
  }
  if (comparison && spec.kind !== 'number') throw queryError(`Field \`${clause.field}\` does not support the ${clause.op} operator.`);
  if (spec.kind === 'number' && clause.value !== null && !Number.isFinite(Number(clause.value))) {
    throw queryError(`Field \`${clause.field}\` takes a number, got \`${String(clause.value)}\`.`);
  }
  if (spec.kind === 'boolean' && clause.value !== null && !['true', 'false'].includes(String(clause.value))) {
    throw queryError(`Field \`${clause.field}\` takes true or false, got \`${String(clause.value)}\`.`);
  }
}

export function matches(object: Record<string, any>, query: ParsedQuery, fields: Record<string, SearchField>): boolean {
  const test = (c: Clause) => matchClause(object, c, fields[c.field]!) !== c.negated;
  return query.join === 'AND' ? query.clauses.every(test) : query.clauses.some(test);
}

function matchClause(object: Record<string, any>, clause: Clause, spec: SearchField): boolean {
  const actual = spec.kind === 'metadata' ? object.metadata?.[clause.metadataKey!] : readPath(object, spec.path ?? clause.field);
  if (clause.value === null) return actual === null || actual === undefined || actual === '';
  if (actual === null || actual === undefined) return false;
  switch (spec.kind) {
    case 'number': {
      const a = Number(actual);
      const v = Number(clause.value);
      switch (clause.op) {
        case ':': return a === v;
        case '>': return a > v;
        case '<': return a < v;
        case '>=': return a >= v;
        case '<=': return a <= v;
        default: return false;
      }
    }
    case 'boolean':
      return String(actual) === String(clause.value);
    case 'metadata':
      return String(actual) === String(clause.value);
    case 'string': {
      const fold = clause.op === '~' || spec.caseInsensitive;
      const a = fold ? String(actual).toLowerCase() : String(actual);
      const v = fold ? String(clause.value).toLowerCase() : String(clause.value);
      return clause.op === '~' ? a.includes(v) : a === v;
    }
  }
}

function readPath(object: Record<string, any>, path: string): unknown {
  let v: any = object;
  for (const part of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[part];
  }
  return v;
}

/**
 * Search pages: the opaque `next_page` token names the last record returned (its created and
 * sequence) and the query it belongs to, so pages stay stable while new objects arrive.
 */
export function searchPage(
  ordered: StoredRecord[],
  query: string,
  filter: (r: StoredRecord) => boolean,
  limit: number,
  page: string | undefined,
  order: SameSecondOrder,
): { data: StoredRecord[]; hasMore: boolean; nextPage: string | null; totalCount: number } {
  const queryHash = createHash('sha256').update(query).digest('base64url').slice(0, 12);
  let after: { c: number; s: number } | undefined;
  if (page !== undefined) {
    after = decodePage(page, queryHash);
    if (!after) throw paramError(`Invalid page: ${page.slice(0, 40)}. Use the next_page value of the previous search result.`, undefined, 'page');
  }
  const all = ordered.filter(filter);
  const rest = after ? all.filter((r) => comesAfter(r, after!, order)) : all;
  const data = rest.slice(0, limit);
  const hasMore = rest.length > limit;
  const last = data[data.length - 1];
  const nextPage = hasMore && last ? encodePage({ c: last.created, s: last.seq }, queryHash) : null;
  return { data, hasMore, nextPage, totalCount: all.length };
}

function comesAfter(r: StoredRecord, at: { c: number; s: number }, order: SameSecondOrder): boolean {
  const created = r.created;
  if (created !== at.c) return created < at.c;
  return order === 'newest_first' ? r.seq < at.s : r.seq > at.s;
}

function encodePage(at: { c: number; s: number }, queryHash: string): string {
  return Buffer.from(JSON.stringify({ ...at, q: queryHash })).toString('base64url');
}

function decodePage(page: string, queryHash: string): { c: number; s: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(page, 'base64url').toString('utf8'));
    if (v && v.q === queryHash && Number.isInteger(v.c) && Number.isInteger(v.s)) return { c: v.c, s: v.s };
  } catch {
    // falls through: not one of ours
  }
  return undefined;
}
