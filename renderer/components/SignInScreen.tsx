import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, formatWait } from '../format/error-text';
import { useSession, type SignInProblem } from '../stores/session-store';
import { Field } from './Field';
import { LanguageSwitch } from './LanguageSwitch';

function useProblemText(problem: SignInProblem | null): string | null {
  const { t, i18n } = useTranslation();
  if (!problem) return null;
  switch (problem.kind) {
    case 'invalid-key': return t('signIn.problem.invalidKey');
    case 'forbidden': return t('signIn.problem.forbidden');
    case 'network': return t('signIn.problem.network');
    case 'expired': return t('signIn.problem.expired');
    case 'revoked': return t('signIn.problem.revoked');
    case 'rate-limited':
      return problem.retryAfterS !== undefined
        ? t('signIn.problem.rateLimitedWait', { wait: formatWait(problem.retryAfterS, i18n.language) })
        : t('signIn.problem.rateLimited');
    case 'token-used': return t('signIn.problem.tokenUsed');
    case 'signed-out': return t('signIn.problem.signedOut');
    case 'other': return t('signIn.problem.other', { message: errorText(problem.error, t, i18n.language).text });
  }
}

export function SignInScreen() {
  const { t } = useTranslation();
  const id = useId();
  const status = useSession((s) => s.status);
  const problem = useSession((s) => s.problem);
  const signInWithKey = useSession((s) => s.signInWithKey);
  const boot = useSession((s) => s.boot);
  const [key, setKey] = useState('');
  const [reveal, setReveal] = useState(false);
  const problemText = useProblemText(problem);
  const checking = status === 'checking';
  const isInfo = problem?.kind === 'signed-out';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) void signInWithKey(key);
  };

  return (
    <div className="signin">
      <header className="signin__top">
        <span className="header__name">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main className="signin__card">
        <h1>{t('signIn.title')}</h1>
        <p>{t('signIn.intro')}</p>
        {problemText && (
          <div className={`notice ${isInfo ? 'notice--info' : 'notice--error'}`} role={isInfo ? 'status' : 'alert'} data-testid="signin-problem">
            <p>{problemText}</p>
            {problem?.kind === 'network' && (
              <button type="button" className="button" onClick={() => void boot(true)}>
                {t('signIn.retry')}
              </button>
            )}
          </div>
        )}
        <form onSubmit={submit} className="signin__form" noValidate>
          <Field
            id={`${id}-key`}
            name="api-key"
            label={t('signIn.keyLabel')}
            hint={t('signIn.keyHint')}
            type={reveal ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            disabled={checking}
            required
          />
          <div className="row">
            <button type="submit" className="button button--primary" disabled={checking || !key.trim()}>
              {checking ? t('signIn.checking') : t('signIn.submit')}
            </button>
            <button type="button" className="button button--quiet" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
              {reveal ? t('signIn.hide') : t('signIn.show')}
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}
