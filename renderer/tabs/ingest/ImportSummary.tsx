import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportOutput } from '../../api/transfer';
import { TechnicalDetails } from '../../components/TechnicalDetails';
import { fieldLabel, issueText } from '../../format/error-text';
import { formatNumber } from '../../format/time';
import { importOutcome, OUTCOME_TONE } from './import-outcome';

/** How many issues to show inline; the rest are counted, not listed. */
const SHOWN_ISSUES = 20;
/** Results already brought into view: coming back to the tab must not pull the focus to an old summary. */
const shown = new WeakSet<ImportOutput>();

export function ImportSummary({ result }: { result: ImportOutput }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const titleId = useId();
  const box = useRef<HTMLElement>(null);
  const outcome = importOutcome(result);
  const tone = OUTCOME_TONE[outcome];
  const title = result.dry_run ? t(`ingest.summary.dryRunTitle.${outcome}`) : t(`ingest.summary.title.${outcome}`);
  const problems = [
    ...(result.rejected > 0 && outcome !== 'rejected' ? [t('ingest.summary.rejectedOf', { count: result.rows, rows: formatNumber(result.rows, lng), rejected: formatNumber(result.rejected, lng) })] : []),
    ...(result.conflicts > 0 ? [t('ingest.summary.conflictsKept', { count: result.conflicts, n: formatNumber(result.conflicts, lng) })] : []),
  ];
  // In file order: the station lists unreadable rows and refused readings as it meets them, chunk by chunk.
  const issues = [...(result.issues ?? [])].sort((x, y) => (x.line ?? Infinity) - (y.line ?? Infinity));
  const counts = [
    ['rows', result.rows],
    ['stored', result.stored],
    ['duplicates', result.duplicates],
    ['conflicts', result.conflicts],
    ['rejected', result.rejected],
  ] as const;

  // The form is tall: when an import ends, its outcome is brought into view and focused, so it is seen and read out.
  useEffect(() => {
    const el = box.current;
    if (!el || shown.has(result)) return;
    shown.add(result);
    el.scrollIntoView({ block: 'nearest' });
    el.focus({ preventScroll: true });
  }, [result]);

  return (
    <section ref={box} tabIndex={-1} aria-labelledby={titleId} className={`summary summary--${tone}`} data-testid="import-summary" data-outcome={outcome} data-tone={tone}>
      <h3 id={titleId}>{title}</h3>
      {problems.length > 0 && <p className="summary__problems">{problems.join(' · ')}</p>}
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
            {issues.slice(0, SHOWN_ISSUES).map((i, n) => {
              const said = issueText(i, t, lng);
              return (
                <li key={n} data-code={i.code}>
                  <strong>{i.line !== undefined ? t('ingest.summary.line', { line: i.line }) : fieldLabel(i.path, t)}</strong>
                  {i.field && i.field !== 'row' && i.field !== 'line' ? ` · ${fieldLabel(i.field, t)}` : ''}: {said.text}
                  <TechnicalDetails detail={said.detail} />
                </li>
              );
            })}
          </ul>
          {(issues.length > SHOWN_ISSUES || result.issues_truncated) && <p className="muted">{t('ingest.summary.moreIssues')}</p>}
        </>
      )}
    </section>
  );
}
