/** The action commands: manifest, actions, run (and `run <action> --help`). */
import type { ActionGroup, ActionSummary } from '../../actions';
import { manifestAction, renderManifest } from '../manifest';
import { actionSummaries, getAction } from '../registry';
import { ruleText } from '../../schemas/rules';
import { parseActionInput, runParsed } from '../runner';
import { suggest } from '../suggest';
import type { CommandHandler } from './commands';
import { fieldRows, renderFields, wrap } from './fields';
import { clientFromEnv, inputError, readJsonInput } from './input';
import { paint, printResult, table, walkProgress, writeOut } from './terminal';

export const manifestCommand: CommandHandler = async () => {
  await writeOut(renderManifest());
  return 0;
};

function matches(action: ActionSummary, words: string[]): boolean {
  const text = `${action.key} ${action.title} ${action.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

export const actionsCommand: CommandHandler = async ({ values, positionals }, { term }) => {
  const all = actionSummaries();
  const group = values.group as string | undefined;
  if (group !== undefined) {
    const groups = [...new Set(all.map((a) => a.group))];
    if (!groups.includes(group as ActionGroup)) {
      const close = suggest(group, groups);
      throw inputError('--group', `no group ${JSON.stringify(group)}${close.length ? `; did you mean ${close.join(' or ')}?` : ''}`, { did_you_mean: close, valid: groups });
    }
  }
  const words = (positionals[0] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const shown = all.filter((a) => (group === undefined || a.group === group) && matches(a, words));
  if (term.json) {
    await writeOut(shown.map((a) => `${a.key}\t${a.title}\n`).join(''));
    return 0;
  }
  if (shown.length === 0) {
    process.stderr.write(`no action matches ${JSON.stringify(positionals[0] ?? group)}\n`);
    return 0;
  }
  const byGroup = new Map<string, ActionSummary[]>();
  for (const action of shown) byGroup.set(action.group, [...(byGroup.get(action.group) ?? []), action]);
  let text = '';
  for (const [name, actions] of byGroup) {
    text += `${paint(name, 'bold', term.color)}\n${table(actions.map((a) => ['  ' + a.key, a.title]))}`;
  }
  await writeOut(`${text}${paint(`${shown.length} of ${all.length} actions; \`stripe-connector run <action> --help\` lists an action's fields`, 'gray', term.color)}\n`);
  return 0;
};

/** `run <action> --help`: what the action does and its fields, from its manifest entry. */
export async function describeAction(key: string): Promise<string> {
  const entry = manifestAction(getAction(key));
  const lines = [
    `${entry.key}: ${entry.title} (${entry.method} ${entry.path})`,
    '',
    ...wrap(entry.description, 100),
    '',
    `Usage: stripe-connector run ${entry.key} --input '<json>'   (or --input-file FILE; - reads stdin)`,
    '',
    'Fields:',
    renderFields(fieldRows(entry.input)),
  ];
  if (entry.rules?.length) lines.push('', 'Rules:', ...entry.rules.map((rule) => `  ${ruleText(rule)}`));
  const hints = Object.entries(entry.hints).filter(([, on]) => on).map(([name]) => name.replace('_', '-'));
  if (hints.length) lines.push('', `Hints: ${hints.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export const runCommand: CommandHandler = async ({ values, positionals }, { term }) => {
  const action = getAction(positionals[0]!);
  const input = await readJsonInput({ input: values.input as string | undefined, inputFile: values['input-file'] as string | undefined });
  // Input problems are reported before connection problems: they are the ones the user just typed.
  const parsed = parseActionInput(action, input);
  const { progress, onPage } = walkProgress(term, action.key);
  try {
    const result = await runParsed(action, parsed, { client: clientFromEnv(), onPage });
    await printResult(term, result, { indented: true });
    return 0;
  } finally {
    progress.clear();
  }
};
