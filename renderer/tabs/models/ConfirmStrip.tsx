import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface ConfirmStripProps {
  children: ReactNode;
  /** Block content under the question (a list of what changes); the question itself is one paragraph. */
  details?: ReactNode;
  confirmLabel: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/**
 * An inline confirmation in place of window.confirm: it stays next to what
 * it confirms, takes the focus so Enter confirms and Escape cancels, and
 * blocks nothing else on the screen.
 */
export function ConfirmStrip({ children, details, confirmLabel, busy, onConfirm, onCancel, testId }: ConfirmStripProps) {
  const { t } = useTranslation();
  return (
    <div
      className="models-confirm"
      role="group"
      aria-label={t('models.confirm.label')}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <p className="models-confirm__text">{children}</p>
      {details}
      <div className="models-confirm__actions">
        {/* Focus moves here: the operator just asked for this step. */}
        <button type="button" className="button button--primary" onClick={onConfirm} disabled={busy} autoFocus>
          {busy ? t('models.confirm.working') : confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {t('models.confirm.cancel')}
        </button>
      </div>
    </div>
  );
}
