import { toJsonSchema } from '../connector/manifest';
import { listActions } from '../connector/registry';
import { deref, spec, template } from './support/spec';
function op(method: string, path: string): any {
  for (const [p, ops] of Object.entries(spec!.paths)) if (template(p) === template(path)) return (ops as any)[method.toLowerCase()];
}
function params(method: string, o: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const p of o.parameters ?? []) if (p.in === 'query') out[p.name] = p.schema;
  if (method !== 'GET') Object.assign(out, deref(o.requestBody?.content?.['application/x-www-form-urlencoded']?.schema)?.properties ?? {});
  return out;
}
function maxLen(s: any): number | undefined {
  s = deref(s); if (!s) return;
  if (s.maxLength) return s.maxLength;
  for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) { const m = maxLen(v); if (m) return m; }
}
function ours(s: any): { str: boolean; max?: number } {
  let str = false; let max: number | undefined;
  const walk = (x: any) => { if (!x) return; if (x.type === 'string' || (Array.isArray(x.type) && x.type.includes('string'))) { str = true; if (x.maxLength) max = x.maxLength; } for (const v of x.anyOf ?? []) walk(v); };
  walk(s); return { str, max };
}
function sub(s: any, name: string): any { s = deref(s); if (!s) return; if (s.properties?.[name]) return s.properties[name]; for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) { const r = sub(v, name); if (r) return r; } }
function items(s: any): any { s = deref(s); if (!s) return; if (s.items) return s.items; for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) { const r = items(v); if (r) return r; } }
it('gap', () => {
  const gaps: string[] = [];
  for (const a of listActions()) {
    if (a.method === 'ANY') continue;
    const o = op(a.method, a.path); if (!o) continue;
    const ps = params(a.method, o);
    const walk = (our: any, their: any, path: string) => {
      if (!our) return;
      for (const v of our.anyOf ?? []) walk(v, their, path);
      const m = maxLen(their); const u = ours(our);
      if (u.str && m && (!u.max || u.max > m)) gaps.push(`${a.key} ${path}: ours ${u.max} spec ${m}`);
      for (const [k, v] of Object.entries(our.properties ?? {})) walk(v, sub(their, k), `${path}.${k}`);
      if (our.items) walk(our.items, items(their), `${path}[]`);
    };
    const input = toJsonSchema(a.input) as any;
    for (const [k, v] of Object.entries(input.properties ?? {})) walk(v, ps[k], k);
  }
  console.log(gaps.length + '\n' + gaps.join('\n'));
});
