import { useTranslation } from 'react-i18next';
import type { ImportOutput } from '../../api/transfer';
import { formatNumber } from '../../format/time';

/** How many issues to show inline; the rest are counted, not listed. */
const SHOWN_ISSUES = 20;

export function formatBytes(n: number, lng: string): string {
  const [unit, size] = n >= 1 << 30 ? ['gigabyte', 1 << 30] : n >= 1 << 20 ? ['megabyte', 1 << 20] : n >= 1024 ? ['kilobyte', 1024] : ['byte', 1];
  return new Intl.NumberFormat(lng, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / size);
}

export function ImportSummary({ result }: { result: ImportOutput }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const failed = result.status !== 'completed';
  const title = failed ? t('ingest.summary.failedTitle') : result.dry_run ? t('ingest.summary.dryRunTitle') : t('ingest.summary.title');
  const issues = result.issues ?? [];
  const counts = [
    ['rows', result.rows],
    ['stored', result.stored],
    ['duplicates', result.duplicates],
    ['conflicts', result.conflicts],
    ['rejected', result.rejected],
  ] as const;

  return (
    <div className={`summary ${failed ? 'summary--failed' : ''}`} data-testid="import-summary" role="status">
      <h3>{title}</h3>
      {result.dry_run && <p className="muted">{t('ingest.summary.dryRunNote')}</p>}
      <dl className="summary__counts">
        {counts.map(([k, v]) => (
          <div key={k} className={`count${v > 0 ? ` count--${k}` : ''}`} data-count={k}>
            <dt>{t(`ingest.summary.${k}`)}</dt>
            <dd>{formatNumber(v, lng)}</dd>
          </div>
        ))}
      </dl>
      {result.duration_ms !== undefined && (
        <p className="muted">{t('ingest.summary.duration', { seconds: formatNumber(Math.round(result.duration_ms / 10) / 100, lng) })}</p>
      )}
      {issues.length > 0 && (
        <>
          <h4>{t('ingest.summary.issues')}</h4>
          <ul className="issues" data-testid="import-issues">
            {issues.slice(0, SHOWN_ISSUES).map((i, n) => (
              <li key={n}>
                <strong>{i.line !== undefined ? t('ingest.summary.line', { line: i.line }) : i.path}</strong>
                {i.field ? ` · ${i.field}` : ''}: {i.message}
              </li>
            ))}
          </ul>
          {(issues.length > SHOWN_ISSUES || result.issues_truncated) && <p className="muted">{t('ingest.summary.moreIssues')}</p>}
        </>
      )}
    </div>
  );
}
