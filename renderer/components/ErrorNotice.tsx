import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR } from '../api/api-error';

const KNOWN = ['unauthorized', 'forbidden', 'rate_limited', 'validation_failed', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'unavailable'] as const;
type Known = (typeof KNOWN)[number];

/** Says what went wrong in the operator's language, keeping the station's own words and reference. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  let text: string;
  let reference: string | undefined;
  if (error instanceof ApiError) {
    reference = error.correlationId;
    if (error.code === NETWORK_ERROR) text = t('errors.network');
    else if ((KNOWN as readonly string[]).includes(error.code)) text = t(`errors.${error.code as Known}`, { message: error.message });
    else text = t('errors.generic', { message: error.message });
  } else {
    text = t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
  }
  return (
    <div className="notice notice--error" role="alert">
      {title && <strong className="notice__title">{title}</strong>}
      <p>{text}</p>
      {reference && <p className="notice__ref">{t('errors.reference', { id: reference })}</p>}
    </div>
  );
}
