import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useModels } from '../../stores/models-store';
import { useSession } from '../../stores/session-store';
import { useTraining } from '../../stores/training-store';
import { AlarmPolicyPanel } from './AlarmPolicyPanel';
import { RecentJobs } from './RecentJobs';
import { RecommendationsPanel } from './RecommendationsPanel';
import { RegistryTable } from './RegistryTable';
import { RuntimeBanner } from './RuntimeBanner';
import { TrainForm } from './TrainForm';
import { VersionList } from './VersionList';

export function ModelsTab() {
  const { t } = useTranslation();
  const loadAll = useModels((s) => s.loadAll);
  const loadSensors = useTraining((s) => s.loadSensors);
  const resume = useTraining((s) => s.resume);
  const canOperate = useSession((s) => s.can('operate'));

  // Each visit refreshes: another operator may have trained or promoted meanwhile.
  useEffect(() => {
    void loadAll();
    void loadSensors();
    void resume();
  }, [loadAll, loadSensors, resume]);

  return (
    <div className="models-tab">
      <h1 className="visually-hidden">{t('tabs.models')}</h1>
      <RuntimeBanner />
      <RegistryTable />
      <VersionList />
      <AlarmPolicyPanel />
      <div className="models-lower">
        {canOperate ? (
          <TrainForm />
        ) : (
          <section className="card" aria-labelledby="models-train-readonly">
            <h2 id="models-train-readonly">{t('models.train.title')}</h2>
            <p className="muted">{t('models.train.needsOperate')}</p>
          </section>
        )}
        <RecommendationsPanel />
        <RecentJobs />
      </div>
    </div>
  );
}
