import { useTranslation } from 'react-i18next';
import { errorText } from '../format/error-text';
import { TechnicalDetails } from './TechnicalDetails';

/** Says what went wrong in the operator's language; the station's own words and reference stay one click away. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  const { t, i18n } = useTranslation();
  if (error === null || error === undefined) return null;
  const said = errorText(error, t, i18n.language);
  return (
    <div className="notice notice--error" role="alert" data-testid="error-notice">
      {title && <strong className="notice__title">{title}</strong>}
      <p>{said.text}</p>
      {said.issues.length > 0 && (
        <ul className="notice__issues">
          {said.issues.map((i, n) => (
            <li key={n}>
              {i.text}
              <TechnicalDetails detail={i.detail} />
            </li>
          ))}
        </ul>
      )}
      <TechnicalDetails detail={said.detail} />
      {said.reference && <p className="notice__ref">{t('errors.reference', { id: said.reference })}</p>}
    </div>
  );
}
