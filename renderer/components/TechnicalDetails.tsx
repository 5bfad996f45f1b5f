import { useTranslation } from 'react-i18next';

/** The station's exact words, folded away: an integrator or administrator needs them, an operator rarely does. */
export function TechnicalDetails({ detail }: { detail: string | undefined }) {
  const { t } = useTranslation();
  if (!detail) return null;
  return (
    <details className="tech-details" data-testid="technical-details">
      <summary>{t('errors.details')}</summary>
      <p lang="en">{detail}</p>
    </details>
  );
}
