import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import type { Said } from '../format/error-text';
import { TechnicalDetails } from './TechnicalDetails';

/** One message under a field: a local check's words, or the station's issue said in the operator's language. */
export type FieldMessage = string | Said;

interface FrameProps {
  id: string;
  label: string;
  hint?: ReactNode;
  /** Messages for this field (local checks or the station's); shown right under the control. */
  errors?: readonly FieldMessage[] | undefined;
  className?: string | undefined;
}

/** Label, hint and errors around one control, wired for screen readers. */
function FieldFrame({ id, label, hint, errors, className, control }: FrameProps & { control: (aria: { 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors && errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errorId ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control({ ...(errorId ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {errorId && (
        <ul className="field__errors" id={errorId} data-field-error={id}>
          {errors!.map((m, n) => (
            <FieldMessageItem key={n} message={m} />
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

export function FieldMessageItem({ message }: { message: FieldMessage }) {
  if (typeof message === 'string') return <li>{message}</li>;
  return (
    <li>
      {message.text}
      <TechnicalDetails detail={message.detail} />
    </li>
  );
}

type FieldProps = FrameProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'>;

/** A labelled input with its hint and errors wired for screen readers. */
export function Field({ id, label, hint, errors, className, ...input }: FieldProps) {
  // Date-time fields are laid out by their whole text (styles.css), not squeezed into a column.
  const cls = [input.type === 'datetime-local' ? 'field--datetime' : '', className ?? ''].filter(Boolean).join(' ') || undefined;
  return <FieldFrame id={id} label={label} hint={hint} errors={errors} className={cls} control={(aria) => <input id={id} {...aria} {...input} />} />;
}

type SelectFieldProps = FrameProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className'> & { children: ReactNode };

/** A labelled select with hint and errors, wired like Field. */
export function SelectField({ id, label, hint, errors, className, children, ...select }: SelectFieldProps) {
  return (
    <FieldFrame
      id={id}
      label={label}
      hint={hint}
      errors={errors}
      className={`field-select${className ? ` ${className}` : ''}`}
      control={(aria) => (
        <select id={id} {...aria} {...select}>
          {children}
        </select>
      )}
    />
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
