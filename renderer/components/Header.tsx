import { useTranslation } from 'react-i18next';
import { hasBridge } from '../api/client';
import { localTimeZone } from '../format/time';
import { useSession } from '../stores/session-store';
import { ErrorNotice } from './ErrorNotice';
import { LanguageSwitch } from './LanguageSwitch';

export function Header() {
  const { t } = useTranslation();
  const identity = useSession((s) => s.identity);
  const signOut = useSession((s) => s.signOut);
  const signingOut = useSession((s) => s.signingOut);
  const signOutError = useSession((s) => s.signOutError);
  return (
    <header className="header">
      <div className="header__brand">
        <span className="header__name">{t('app.name')}</span>
        {identity && (
          <span className="header__station" data-testid="station-name">
            {t('header.station')}: <strong>{identity.station}</strong>
          </span>
        )}
      </div>
      <div className="header__meta">
        {identity && (
          <span className="header__key" data-testid="key-name" title={identity.scopes.join(', ')}>
            {t('header.signedInAs')}: <strong>{identity.name}</strong>
          </span>
        )}
        <span className="header__zone">{t('header.timeZone', { zone: localTimeZone() })}</span>
      </div>
      <div className="header__actions">
        <LanguageSwitch />
        {identity && !hasBridge() && (
          <button type="button" className="button button--quiet" onClick={() => void signOut()} disabled={signingOut} data-testid="sign-out">
            {signingOut ? t('header.signingOut') : t('header.signOut')}
          </button>
        )}
      </div>
      {signOutError !== null && (
        <div className="header__problem">
          <ErrorNotice error={signOutError} title={t('header.signOutFailed')} />
        </div>
      )}
    </header>
  );
}
