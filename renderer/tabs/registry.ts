// The console's tabs. Adding one is one entry here: its scope decides who
// sees it, its position decides its Alt+N shortcut.
import type { ComponentType } from 'react';
import type { Access } from '../../contract/operation';
import { ExplorerTab } from './explorer/ExplorerTab';
import { IngestTab } from './ingest/IngestTab';
import { ModelsTab } from './models/ModelsTab';
import { PredictionTab } from './prediction/PredictionTab';

export type TabLabelKey = 'tabs.explorer' | 'tabs.ingest' | 'tabs.models' | 'tabs.prediction';

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
  { id: 'models', labelKey: 'tabs.models', access: 'read', Component: ModelsTab },
  { id: 'prediction', labelKey: 'tabs.prediction', access: 'read', Component: PredictionTab },
];
