// The console's tabs. Adding one is one entry here: its scope decides who
// sees it, its position decides its Alt+N shortcut.
import type { ComponentType } from 'react';
import type { Access } from '../../preload/contract/operation';
import { ExplorerTab } from './explorer/ExplorerTab';
import { IngestTab } from './ingest/IngestTab';

export type TabLabelKey = 'tabs.explorer' | 'tabs.ingest';

export interface TabDef {
  id: string;
  labelKey: TabLabelKey;
  /** The scope a key needs for the tab to be shown. */
  access: Access;
  Component: ComponentType;
}

export const TABS: readonly TabDef[] = [
  { id: 'explorer', labelKey: 'tabs.explorer', access: 'read', Component: ExplorerTab },
  { id: 'ingest', labelKey: 'tabs.ingest', access: 'ingest', Component: IngestTab },
];
