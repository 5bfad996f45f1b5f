import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TabDef } from '../tabs/registry';

interface TabBarProps {
  tabs: readonly TabDef[];
  active: string;
  onSelect(id: string): void;
}

export const tabDomId = (id: string) => `tab-${id}`;
export const panelDomId = (id: string) => `panel-${id}`;

/** WAI-ARIA tabs: arrow keys move between tabs; Alt+N is handled by the shell. */
export function TabBar({ tabs, active, onSelect }: TabBarProps) {
  const { t } = useTranslation();
  const list = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const target = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : delta !== 0 ? (index + delta + tabs.length) % tabs.length : -1;
    if (target < 0) return;
    e.preventDefault();
    onSelect(tabs[target]!.id);
    list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]')[target]?.focus();
  };

  return (
    <div className="tabbar" role="tablist" aria-label={t('tabs.label')} ref={list}>
      {tabs.map((tab, i) => (
        <button
          key={tab.id}
          id={tabDomId(tab.id)}
          type="button"
          role="tab"
          aria-selected={tab.id === active}
          aria-controls={panelDomId(tab.id)}
          aria-keyshortcuts={i < 9 ? `Alt+${i + 1}` : undefined}
          tabIndex={tab.id === active ? 0 : -1}
          className="tabbar__tab"
          onClick={() => onSelect(tab.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          <span>{t(tab.labelKey)}</span>
          {i < 9 && <kbd className="tabbar__kbd" aria-hidden="true">{t('tabs.shortcut', { n: i + 1 })}</kbd>}
        </button>
      ))}
    </div>
  );
}
