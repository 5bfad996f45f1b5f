import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { SignInScreen } from './components/SignInScreen';
import { Shell } from './components/Shell';
import { useExplorer } from './stores/explorer-store';
import { useIngest } from './stores/ingest-store';
import { useSession } from './stores/session-store';

export function App() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const identity = useSession((s) => s.identity);
  const boot = useSession((s) => s.boot);

  useEffect(() => {
    void boot();
  }, [boot]);

  // Nothing one key loaded may linger for the next one.
  useEffect(() => {
    if (status === 'signed-out') {
      useExplorer.getState().reset();
      useIngest.getState().reset();
    }
  }, [status]);

  if (status === 'signed-in' && identity) return <Shell key={identity.session_id ?? identity.key_id ?? identity.name} />;
  if (status === 'booting') {
    return (
      <div className="splash" role="status">
        {t('app.loading')}
      </div>
    );
  }
  return <SignInScreen />;
}
