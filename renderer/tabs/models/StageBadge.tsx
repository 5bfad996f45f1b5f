import { useTranslation } from 'react-i18next';
import type { ModelStage } from '../../../contract/models';

/** Stage as a coloured badge with its word: colour is never the only cue. */
export function StageBadge({ stage }: { stage: ModelStage }) {
  const { t } = useTranslation();
  return (
    <span className={`models-badge models-badge--${stage}`} data-stage={stage}>
      {t(`models.stage.${stage}`)}
    </span>
  );
}
