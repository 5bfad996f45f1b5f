import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasAccess } from '../../contract/operation';
import { useSession } from '../stores/session-store';
import { TABS } from '../tabs/registry';
import { EmptyState } from './EmptyState';
import { Header } from './Header';
import { panelDomId, TabBar, tabDomId } from './TabBar';
import { tabFromHash } from './tab-hash';

const hashTab = () => tabFromHash(window.location.hash);

/** The signed-in console: header, the tabs this key may use, the active tab. */
export function Shell() {
  const { t } = useTranslation();
  const identity = useSession((s) => s.identity);
  const tabs = useMemo(() => TABS.filter((tab) => identity !== null && hasAccess(identity.scopes, tab.access)), [identity]);
  const [wanted, setWanted] = useState(hashTab);
  const current = tabs.find((tab) => tab.id === wanted) ?? tabs[0];

  // The address keeps the tab, so a reload or a bookmark lands on it.
  const select = (id: string) => {
    setWanted(id);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${id}`);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      // e.code, not e.key: Alt+digit types other characters on some layouts.
      const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
      const tab = m ? tabs[Number(m[1]) - 1] : undefined;
      if (!tab) return;
      e.preventDefault();
      setWanted(tab.id);
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${tab.id}`);
      document.getElementById(tabDomId(tab.id))?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tabs]);

  return (
    <div className="app">
      <Header />
      {current ? (
        <>
          <nav className="nav">
            <TabBar tabs={tabs} active={current.id} onSelect={select} />
          </nav>
          {/* The tab panel inside the main landmark: role=tabpanel on <main> itself would remove the landmark. */}
          <main>
            <div className="panel" id={panelDomId(current.id)} role="tabpanel" aria-labelledby={tabDomId(current.id)}>
              <current.Component />
            </div>
          </main>
        </>
      ) : (
        <main className="panel">
          <EmptyState testId="no-tabs">{t('tabs.none')}</EmptyState>
        </main>
      )}
    </div>
  );
}
