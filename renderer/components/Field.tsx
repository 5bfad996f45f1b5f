import type { InputHTMLAttributes, ReactNode } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  hint?: ReactNode;
  /** Messages for this field from the station; shown right under the input. */
  errors?: readonly string[] | undefined;
}

/** A labelled input with its hint and errors wired for screen readers. */
export function Field({ id, label, hint, errors, className, ...input }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errorId ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={errorId ? true : undefined} aria-describedby={describedBy} {...input} />
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

interface CheckFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  id: string;
  label: string;
}

/** A checkbox whose whole label is the click target (gloves). */
export function CheckField({ id, label, ...input }: CheckFieldProps) {
  return (
    <label className="check" htmlFor={id}>
      <input id={id} type="checkbox" {...input} />
      <span>{label}</span>
    </label>
  );
}
