/** rjsf set up for the manifest's schemas: draft 2020-12 Ajv, and the lookup dropdown for `x-lookup` fields. */
import React, { useEffect, useState } from 'react';
import Form, { getDefaultRegistry } from '@rjsf/core';
import type { WidgetProps } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import { api } from './api';

export const validator = customizeValidator({ AjvClass: Ajv2020 as never });

interface LookupOption {
  value: string;
  label: string;
}

const DefaultText = getDefaultRegistry().widgets.TextWidget;

/** A field with `x-lookup` (e.g. customer -> list_customers): a dropdown of what the list call returns, or typing an id. */
function LookupOrText(props: WidgetProps) {
  const lookup = props.schema['x-lookup'] as { action: string; value: string; label: string } | undefined;
  const [options, setOptions] = useState<LookupOption[] | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    if (!lookup) return;
    const query = new URLSearchParams({ action: lookup.action, value: lookup.value, label: lookup.label });
    api<LookupOption[]>('GET', `/api/lookups?${query}`).then(setOptions, (error: Error) => setFailure(error.message));
  }, [lookup?.action]);
  if (!lookup) return <DefaultText {...props} />;
  return (
    <div className="lookup">
      <select
        id={props.id}
        className="form-control lookup-select"
        data-lookup={lookup.action}
        value={props.value ?? ''}
        disabled={props.disabled || props.readonly}
        onChange={(event) => props.onChange(event.target.value === '' ? undefined : event.target.value)}
      >
        <option value="">{options ? `choose (${lookup.action})` : failure ? 'lookup unavailable' : 'loading...'}</option>
        {props.value && !options?.some((o) => o.value === props.value) ? <option value={props.value}>{props.value}</option> : null}
        {options?.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {failure ? <small className="lookup-failure">{failure}</small> : null}
    </div>
  );
}

export const widgets = { TextWidget: LookupOrText };

/**
 * No empty objects for optional object fields: rjsf would otherwise send `shipping: {}` and then
 * demand shipping's required fields of a form that never mentioned shipping.
 */
export const formDefaults = { emptyObjectFields: 'skipEmptyDefaults' } as const;

export { Form };

/** A renderer error shows where the form would be, with the action's key (the browser test looks for it). */
export class FormBoundary extends React.Component<{ name: string; children: React.ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(previous: { name: string }) {
    if (previous.name !== this.props.name && this.state.error) this.setState({ error: undefined });
  }
  override render() {
    if (this.state.error) return <div className="render-error" data-name={this.props.name}>The form for {this.props.name} failed to render: {this.state.error.message}</div>;
    return this.props.children;
  }
}
