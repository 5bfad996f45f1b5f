import { useTranslation } from 'react-i18next';
import { FileImport } from './FileImport';
import { ManualReadingForm } from './ManualReadingForm';

export function IngestTab() {
  const { t } = useTranslation();
  return (
    <div className="ingest">
      <h1 className="visually-hidden">{t('tabs.ingest')}</h1>
      <ManualReadingForm />
      <FileImport />
    </div>
  );
}
