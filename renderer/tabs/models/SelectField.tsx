import type { ReactNode, SelectHTMLAttributes } from 'react';
import type { SensorWire } from '../../../preload/contract/sensors';

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  id: string;
  label: string;
  hint?: ReactNode;
  /** Messages for this field (local checks or the station's); shown under the select. */
  errors?: readonly string[] | undefined;
  children: ReactNode;
}

/** A labelled select with hint and errors, styled and wired like Field. */
export function SelectField({ id, label, hint, errors, className, children, ...select }: SelectFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field models-select${errorId ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={errorId ? true : undefined} aria-describedby={describedBy} {...select}>
        {children}
      </select>
      {errorId && (
        <ul className="field__errors" id={errorId} data-field-error={id}>
          {errors!.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Sensors grouped by asset, so a long list reads like the plant. */
export function SensorOptions({ sensors, noAsset }: { sensors: readonly SensorWire[]; noAsset: string }) {
  const groups = new Map<string, SensorWire[]>();
  for (const s of sensors) {
    const key = s.asset_id ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return (
    <>
      {[...groups.entries()]
        .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
        .map(([asset, list]) => (
          <optgroup key={asset || '-'} label={asset || noAsset}>
            {list.map((s) => (
              <option key={s.id} value={s.id}>
                {s.type ? `${s.id} (${s.type})` : s.id}
              </option>
            ))}
          </optgroup>
        ))}
    </>
  );
}

/** Errors of one field: the local check's words first, then the station's. */
export function fieldMessages(local: string | undefined, station: readonly string[] | undefined): string[] | undefined {
  const list = [...(local ? [local] : []), ...(station ?? [])];
  return list.length > 0 ? list : undefined;
}
