// The form for one call: typed inputs (taking `a+1p`, `2p`, hex), named checkboxes for mode and
// feature bits (greyed out, with the release that added them, when the profile lacks them), a preview
// of the call in C, and a run button. Bad input is marked where it is and nothing is lost.

import { useId } from 'react';
import { printOperation } from '../../portable/console/print';
import { SINCE, hasConstant } from '../../portable/uapi/history';
import type { Snapshot } from '../../portable/model/snapshot';
import { buildOperation, fieldsOf, type FieldSpec, type Value, type Values } from './form-spec';
import type { CallId } from './calls';

function shortName(name: string, all: readonly { name: string }[]): string {
  if (all.length < 2) return name;
  let prefix = all[0]!.name;
  for (const f of all) while (!f.name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  return name.slice(prefix.length);
}

interface FieldProps {
  f: FieldSpec;
  values: Values;
  errors: Record<string, string>;
  kernel: string;
  snapshot: Snapshot;
  set(key: string, v: Value): void;
}

function ErrorText({ id, text }: { id: string; text?: string }) {
  return text ? (
    <span id={id} className="field-error error-text" role="alert" data-testid="monitor.field-error">
      {text}
    </span>
  ) : null;
}

function Field({ f, values, errors, kernel, snapshot, set }: FieldProps) {
  const id = useId();
  const v = values[f.key];
  const err = errors[f.key];
  const testId = `monitor.field.${f.key}`;
  const textInput = (list?: string) => (
    <input
      id={id}
      type="text"
      className="mono"
      value={typeof v === 'string' ? v : ''}
      onChange={(e) => set(f.key, e.target.value)}
      aria-invalid={!!err}
      aria-describedby={err ? `${id}-err` : undefined}
      data-testid={testId}
      list={list}
      spellCheck={false}
      autoComplete="off"
    />
  );
  switch (f.kind) {
    case 'expr':
    case 'name':
    case 'byte':
      return (
        <div className="form-row">
          <label htmlFor={id}>{f.label}</label>
          {textInput()}
          <ErrorText id={`${id}-err`} text={err} />
        </div>
      );
    case 'fd':
      return (
        <div className="form-row">
          <label htmlFor={id}>{f.label}</label>
          {textInput(`${id}-fds`)}
          <datalist id={`${id}-fds`}>
            {[...snapshot.uffds.map((u) => u.name), ...snapshot.fds.map((x) => x.name)].map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <ErrorText id={`${id}-err`} text={err} />
        </div>
      );
    case 'choice':
      return (
        <div className="form-row">
          <label htmlFor={id}>{f.label}</label>
          <select id={id} value={String(v)} onChange={(e) => set(f.key, e.target.value)} data-testid={testId}>
            {f.options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
      );
    case 'bool':
      return (
        <div className="form-row">
          <label>
            <input
              type="checkbox"
              checked={v === true}
              onChange={(e) => set(f.key, e.target.checked)}
              data-testid={testId}
            />{' '}
            {f.label}
          </label>
        </div>
      );
    case 'src': {
      const [how, rest = ''] = (typeof v === 'string' ? v : 'fill:').split(':');
      return (
        <fieldset className="form-row">
          <legend>{f.label}</legend>
          <div className="src-choice">
            <label>
              <input
                type="radio"
                name={id}
                checked={how === 'fill'}
                onChange={() => set(f.key, `fill:${how === 'fill' ? rest : '0x41'}`)}
              />{' '}
              a buffer of the byte
            </label>
            <label>
              <input type="radio" name={id} checked={how === 'addr'} onChange={() => set(f.key, 'addr:')} />{' '}
              the address
            </label>
            <input
              type="text"
              className="mono"
              size={10}
              aria-label={how === 'fill' ? 'fill byte' : 'source address'}
              value={rest}
              onChange={(e) => set(f.key, `${how}:${e.target.value}`)}
              aria-invalid={!!err}
              data-testid={testId}
              spellCheck={false}
            />
          </div>
          <ErrorText id={`${id}-err`} text={err} />
        </fieldset>
      );
    }
    case 'flags': {
      const chosen = new Set((v as readonly string[] | undefined) ?? []);
      return (
        <fieldset className="form-row flags" data-testid={`monitor.flags.${f.key}`}>
          <legend>{f.label}</legend>
          <div className="flag-list">
            {f.flags.map((fl) => {
              const ok = hasConstant(kernel, fl.name);
              return (
                <label
                  key={fl.name}
                  className={ok ? '' : 'unavailable'}
                  title={ok ? fl.name : `${fl.name}: since ${SINCE[fl.name]}; kernel ${kernel} lacks it`}
                >
                  <input
                    type="checkbox"
                    checked={chosen.has(fl.name)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(fl.name);
                      else next.delete(fl.name);
                      set(
                        f.key,
                        f.flags.map((x) => x.name).filter((n) => next.has(n)),
                      );
                    }}
                    data-testid={`monitor.flag.${fl.name}`}
                  />{' '}
                  <span className="mono">{shortName(fl.name, f.flags)}</span>
                  {!ok && <span className="since"> (since {SINCE[fl.name]})</span>}
                </label>
              );
            })}
          </div>
          <label className="extra-bits">
            other bits{' '}
            <input
              type="text"
              className="mono"
              size={8}
              value={String(values[`${f.key}.extra`] ?? '')}
              onChange={(e) => set(`${f.key}.extra`, e.target.value)}
              aria-invalid={!!errors[`${f.key}.extra`]}
              data-testid={`monitor.field.${f.key}.extra`}
              placeholder="0x8"
            />
          </label>
          <ErrorText id={`${id}-err`} text={errors[`${f.key}.extra`]} />
        </fieldset>
      );
    }
  }
}

export function CallForm(props: {
  call: CallId;
  values: Values;
  /** The errors to show now: those of fields the user touched, or all after a run was refused. */
  errors: Record<string, string>;
  valid: boolean;
  kernel: string;
  snapshot: Snapshot;
  set(key: string, v: Value): void;
}) {
  const { call, values, errors, valid } = props;
  return (
    <div className="call-form" data-testid="monitor.form" data-call={call}>
      {fieldsOf(call).map((f) => (
        <Field
          key={f.key}
          f={f}
          values={values}
          errors={errors}
          kernel={props.kernel}
          snapshot={props.snapshot}
          set={props.set}
        />
      ))}
      <pre className="preview mono" data-testid="monitor.preview" aria-label="the call in C">
        {valid ? printOperation(buildOperation(call, values)) : '(fix the marked fields)'}
      </pre>
    </div>
  );
}
