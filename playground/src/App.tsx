import React, { useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorSchema } from './api';
import { Form, FormBoundary, formDefaults, validator, widgets } from './forms';

type Tab = 'connection' | 'actions' | 'triggers' | 'agent';

interface ConnectionView {
  connected: boolean;
  masked_key?: string;
  mode?: 'test' | 'live';
  account?: string | null;
  api_version?: string;
  schema?: Record<string, any>;
}

export function App() {
  const [tab, setTab] = useState<Tab>('connection');
  const [connection, setConnection] = useState<ConnectionView>({ connected: false });
  useEffect(() => void api<ConnectionView>('GET', '/api/connection').then(setConnection), []);
  return (
    <div className="app">
      <header>
        <h1>Stripe connector playground</h1>
        <span className={`badge ${connection.connected ? connection.mode : 'none'}`} id="connection-badge">
          {connection.connected ? `${connection.masked_key} · ${connection.mode}` : 'not connected'}
        </span>
      </header>
      <nav>
        {(['connection', 'actions', 'triggers', 'agent'] as Tab[]).map((name) => (
          <button key={name} id={`tab-${name}`} className={tab === name ? 'active' : ''} onClick={() => setTab(name)}>
            {name[0]!.toUpperCase() + name.slice(1)}
          </button>
        ))}
      </nav>
      <main>
        {tab === 'connection' && <ConnectionTab connection={connection} onChange={setConnection} />}
        {tab === 'actions' && <ActionsTab />}
        {tab === 'triggers' && <TriggersTab />}
        {tab === 'agent' && <AgentTab />}
      </main>
    </div>
  );
}

function ConnectionTab({ connection, onChange }: { connection: ConnectionView; onChange: (c: ConnectionView) => void }) {
  // The key is in this state only between typing and saving: cleared once the server holds it.
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [problems, setProblems] = useState<Record<string, any>>({});
  const [message, setMessage] = useState<string>('');
  const save = async (data: Record<string, unknown>) => {
    try {
      const view = await api<ConnectionView>('PUT', '/api/connection', data);
      onChange({ ...connection, ...view });
      setFormData({});
      setProblems({});
      setMessage('Saved: the key is held by the playground server only.');
    } catch (error) {
      setProblems(errorSchema((error as ApiError).problems ?? []));
      setMessage((error as Error).message);
    }
  };
  const test = async () => {
    try {
      const view = await api<ConnectionView & { test: { mode: string; livemode: boolean } }>('POST', '/api/connection/test');
      setMessage(`Connection OK: GET /v1/balance answered (${view.test.mode} mode, livemode ${view.test.livemode}).`);
    } catch (error) {
      setMessage(`Connection failed: ${(error as Error).message}`);
    }
  };
  return (
    <section className="connection">
      <dl id="connection-status">
        <dt>Key</dt>
        <dd id="masked-key">{connection.masked_key ?? '(none)'}</dd>
        <dt>Mode</dt>
        <dd id="mode">{connection.mode ?? '-'}</dd>
        <dt>Connected account</dt>
        <dd id="account">{connection.account ?? '(platform)'}</dd>
        <dt>API version</dt>
        <dd id="api-version">{connection.api_version ?? '-'}</dd>
      </dl>
      {connection.schema ? (
        <FormBoundary name="connection">
          <Form
            id="connection-form"
            schema={connection.schema as any}
            uiSchema={{ secret_key: { 'ui:widget': 'password', 'ui:autocomplete': 'off' }, 'ui:submitButtonOptions': { submitText: 'Save connection' } }}
            validator={validator}
                experimental_defaultFormStateBehavior={formDefaults}
            formData={formData}
            extraErrors={problems}
            noHtml5Validate
            showErrorList={false}
            onChange={(e) => setFormData(e.formData)}
            onSubmit={(e) => void save(e.formData)}
          />
        </FormBoundary>
      ) : null}
      <button id="test-connection" disabled={!connection.connected} onClick={() => void test()}>
        Test connection
      </button>
      <p id="connection-message">{message}</p>
    </section>
  );
}

interface ActionSummary {
  key: string;
  title: string;
  description: string;
  group: string;
  hints: { read_only: boolean };
}

interface ActionDetail extends ActionSummary {
  input: Record<string, any>;
  output: Record<string, any>;
  /** The field rules (exactly one of, at least one of, ...) in words, from the connector. */
  rule_texts: string[];
}

/** The top-level fields of an output schema (through a `$ref` to its type, or the first object of a union). */
function outputFields(schema: Record<string, any>): string[] {
  const defs = schema.$defs ?? {};
  const resolve = (s: Record<string, any> | undefined): Record<string, any> | undefined => {
    if (!s) return undefined;
    if (typeof s.$ref === 'string') return resolve(defs[s.$ref.split('/').pop() ?? '']);
    if (s.properties) return s;
    for (const branch of s.anyOf ?? s.oneOf ?? []) {
      const found = resolve(branch);
      if (found) return found;
    }
    return undefined;
  };
  return Object.keys(resolve(schema)?.properties ?? {});
}

function ActionsTab() {
  const [actions, setActions] = useState<ActionSummary[]>([]);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ActionDetail | undefined>();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [serverErrors, setServerErrors] = useState<Record<string, any>>({});
  const [result, setResult] = useState<{ ok: boolean; body: unknown } | undefined>();
  const [running, setRunning] = useState(false);
  useEffect(() => void api<ActionSummary[]>('GET', '/api/actions').then(setActions), []);
  const groups = useMemo(() => {
    const words = search.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = actions.filter((a) => words.every((w) => `${a.key} ${a.title} ${a.description}`.toLowerCase().includes(w)));
    const byGroup = new Map<string, ActionSummary[]>();
    for (const action of shown) byGroup.set(action.group, [...(byGroup.get(action.group) ?? []), action]);
    return [...byGroup];
  }, [actions, search]);
  const choose = async (key: string) => {
    const detail = await api<ActionDetail>('GET', `/api/actions/${key}`);
    setSelected(detail);
    setFormData({});
    setServerErrors({});
    setResult(undefined);
  };
  const run = async (input: Record<string, unknown>) => {
    if (!selected) return;
    setRunning(true);
    setServerErrors({});
    try {
      setResult({ ok: true, body: (await api<{ result: unknown }>('POST', `/api/actions/${selected.key}/run`, { input })).result });
    } catch (error) {
      const problems = (error as ApiError).problems ?? [];
      setServerErrors(errorSchema(problems));
      setResult({ ok: false, body: { message: (error as Error).message, problems } });
    } finally {
      setRunning(false);
    }
  };
  const fields = selected ? outputFields(selected.output) : [];
  const resultObject = result?.ok && result.body && typeof result.body === 'object' ? (result.body as Record<string, unknown>) : undefined;
  return (
    <section className="actions">
      <aside>
        <input id="action-search" type="search" placeholder={`Search ${actions.length} actions`} value={search} onChange={(e) => setSearch(e.target.value)} />
        <div className="action-list">
          {groups.map(([group, list]) => (
            <div key={group} className="group">
              <h3>{group}</h3>
              {list.map((action) => (
                <button key={action.key} data-action={action.key} className={selected?.key === action.key ? 'active' : ''} onClick={() => void choose(action.key)} title={action.description}>
                  {action.title}
                  <small>{action.key}</small>
                </button>
              ))}
            </div>
          ))}
        </div>
      </aside>
      <div className="detail">
        {selected ? (
          <>
            <h2>
              {selected.title} <code>{selected.key}</code> <span className={`badge ${selected.hints.read_only ? 'read' : 'write'}`}>{selected.hints.read_only ? 'read' : 'write'}</span>
            </h2>
            <p>{selected.description}</p>
            {selected.rule_texts.length ? (
              <ul className="rules">
                {selected.rule_texts.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            ) : null}
            <FormBoundary name={selected.key}>
              <Form
                key={selected.key}
                id="action-form"
                className="rjsf action-form"
                data-action-form={selected.key}
                schema={selected.input as any}
                validator={validator}
                experimental_defaultFormStateBehavior={formDefaults}
                widgets={widgets}
                formData={formData}
                extraErrors={serverErrors}
                noHtml5Validate
                showErrorList="top"
                disabled={running}
                uiSchema={{ 'ui:submitButtonOptions': { submitText: 'Run' } }}
                onChange={(e) => setFormData(e.formData)}
                onSubmit={(e) => void run(e.formData ?? {})}
              />
            </FormBoundary>
            {result ? (
              <div id="result" className={result.ok ? 'ok' : 'failed'}>
                {resultObject && fields.length ? (
                  <p className="output-fields">
                    Output fields:{' '}
                    {fields.map((field) => (
                      <code key={field} className={field in resultObject ? 'present' : 'absent'}>
                        {field}
                      </code>
                    ))}
                  </p>
                ) : null}
                <pre id="result-json">{JSON.stringify(result.body, null, 2)}</pre>
              </div>
            ) : null}
          </>
        ) : (
          <p>Choose an action on the left.</p>
        )}
      </div>
    </section>
  );
}

interface Subscription {
  id: string;
  trigger: string;
  state: { status: string; cursor_id: string | null; last_error: Record<string, unknown> | null; events_emitted: number; baselined: boolean; last_poll_at: string | null };
}

interface TriggerEvent {
  trigger: string;
  subscription_id?: string;
  object_id: string;
  object: Record<string, unknown>;
}

function TriggersTab() {
  const [info, setInfo] = useState<{ available: boolean; triggers: { key: string; title: string; options: Record<string, any> }[]; subscriptions: Subscription[]; recent: TriggerEvent[] } | undefined>();
  const [trigger, setTrigger] = useState('new_charge');
  const [options, setOptions] = useState<Record<string, unknown>>({});
  const [events, setEvents] = useState<TriggerEvent[]>([]);
  const [message, setMessage] = useState('');
  const refresh = () =>
    api('GET', '/api/triggers').then(
      (next) => setInfo(next),
      (error: Error) => setMessage(error.message),
    );
  useEffect(() => {
    void refresh().then(() => undefined);
    const timer = setInterval(() => void refresh(), 1500);
    const source = new EventSource('/api/events');
    source.addEventListener('trigger', (event) => setEvents((list) => [JSON.parse((event as MessageEvent).data), ...list].slice(0, 100)));
    return () => {
      clearInterval(timer);
      source.close();
    };
  }, []);
  if (!info) return <p>{message || 'Loading...'}</p>;
  if (!info.available) return <p id="triggers-unavailable">Triggers need Redis: start the playground with REDIS_URL set, or with npm run playground.</p>;
  const chosen = info.triggers.find((t) => t.key === trigger);
  const subscribe = async (data: Record<string, unknown>) => {
    try {
      const record = await api<{ id: string }>('POST', '/api/triggers/subscriptions', { trigger, options: data });
      setMessage(`Subscribed ${record.id}; the first poll takes a baseline (what exists already is not news).`);
      await refresh();
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  return (
    <section className="triggers">
      <div className="subscribe">
        <label>
          Trigger{' '}
          <select id="trigger-select" value={trigger} onChange={(e) => setTrigger(e.target.value)}>
            {info.triggers.map((t) => (
              <option key={t.key} value={t.key}>
                {t.title} ({t.key})
              </option>
            ))}
          </select>
        </label>
        {chosen ? (
          <FormBoundary name={chosen.key}>
            <Form
              key={chosen.key}
              id="trigger-form"
              schema={chosen.options as any}
              validator={validator}
                experimental_defaultFormStateBehavior={formDefaults}
              widgets={widgets}
              formData={options}
              noHtml5Validate
              uiSchema={{ 'ui:submitButtonOptions': { submitText: 'Subscribe' } }}
              onChange={(e) => setOptions(e.formData)}
              onSubmit={(e) => void subscribe(e.formData ?? {})}
            />
          </FormBoundary>
        ) : null}
        <p id="trigger-message">{message}</p>
      </div>
      <table id="subscriptions">
        <thead>
          <tr>
            <th>Subscription</th>
            <th>Trigger</th>
            <th>Status</th>
            <th>Cursor</th>
            <th>Events</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {info.subscriptions.map((s) => (
            <tr key={s.id} data-subscription={s.id}>
              <td>{s.id}</td>
              <td>{s.trigger}</td>
              <td className="status">{s.state.baselined ? s.state.status : 'taking baseline'}</td>
              <td className="cursor">{s.state.cursor_id ?? '-'}</td>
              <td>{s.state.events_emitted}</td>
              <td className="last-error">{s.state.last_error ? String(s.state.last_error.message ?? JSON.stringify(s.state.last_error)) : '-'}</td>
              <td>
                <button onClick={() => void api('POST', `/api/triggers/subscriptions/${s.id}/poll`).then(refresh)}>Poll now</button>{' '}
                <button onClick={() => void api('DELETE', `/api/triggers/subscriptions/${s.id}`).then(refresh)}>Unsubscribe</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Live events</h3>
      <ul id="events">
        {events.map((event, i) => (
          <li key={`${event.object_id}-${i}`} data-object={event.object_id}>
            <code>{event.trigger}</code> {event.object_id} {String(event.object.amount ?? '')} {String(event.object.currency ?? '')} {String(event.object.status ?? '')}
          </li>
        ))}
      </ul>
    </section>
  );
}

interface ToolRow {
  name: string;
  title?: string;
  description?: string;
  bytes: number;
  tool: unknown;
}

function AgentTab() {
  const [surface, setSurface] = useState<'compact' | 'all'>('compact');
  const [tools, setTools] = useState<{ tools: ToolRow[]; total_bytes: number } | undefined>();
  const [message, setMessage] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  useEffect(() => {
    setTools(undefined);
    api('GET', `/api/mcp/tools?surface=${surface}`).then(setTools, (error: Error) => setMessage(error.message));
  }, [surface]);
  return (
    <section className="agent">
      <p>
        The MCP tools as an agent lists them (tools/list of the connector's MCP server).{' '}
        <select id="surface" value={surface} onChange={(e) => setSurface(e.target.value as 'compact' | 'all')}>
          <option value="compact">default: four generic tools</option>
          <option value="all">--tools all: one tool per action</option>
        </select>
      </p>
      {tools ? (
        <>
          <p id="tools-total">
            {tools.tools.length} tools, {tools.total_bytes.toLocaleString()} bytes of JSON in all
          </p>
          <table id="tools">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Bytes</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {tools.tools.map((tool) => (
                <React.Fragment key={tool.name}>
                  <tr data-tool={tool.name} onClick={() => setOpen(open === tool.name ? undefined : tool.name)}>
                    <td>
                      <code>{tool.name}</code>
                    </td>
                    <td className="bytes">{tool.bytes}</td>
                    <td>{tool.description}</td>
                  </tr>
                  {open === tool.name ? (
                    <tr>
                      <td colSpan={3}>
                        <pre>{JSON.stringify(tool.tool, null, 2)}</pre>
                      </td>
                    </tr>
                  ) : null}
                </React.Fragment>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>{message || 'Loading...'}</p>
      )}
    </section>
  );
}
