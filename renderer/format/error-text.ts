// Errors and field issues in the operator's language. The station gives
// each a stable code (and, for issues, the values the sentence needs); the
// console says it from those, and keeps the station's precise wording as a
// technical detail. A code the console does not know yet reads as the
// station's own sentence in English, and as a plain "not accepted" in any
// other language, so English never leaks into a translated screen.
import type { TFunction } from 'i18next';
import { ERROR_CODES } from '../../contract/errors';
import { ABORTED, ApiError, NETWORK_ERROR, type Issue } from '../api/api-error';
import { errors as catalogue } from '../i18n/en/errors';
import { formatDateTime, formatNumber } from './time';

/** A sentence for the operator, and the station's exact words when they add something. */
export interface Said {
  text: string;
  detail?: string | undefined;
}

/** What an error says: its sentence, the station's words, and its field issues. */
export interface SaidError extends Said {
  issues: Said[];
  reference?: string | undefined;
}

type Params = NonNullable<Issue['params']>;
type Field = keyof typeof catalogue.issues.field;
type Translate = TFunction;

const ERROR_KEYS = new Set<string>([...ERROR_CODES, NETWORK_ERROR, ABORTED]);
const JOB_KEYS = new Set(Object.keys(catalogue.jobErrors));
const WHAT_KEYS = new Set(Object.keys(catalogue.issues.what));

const english = (lng: string) => lng.toLowerCase().startsWith('en');

/** The field an issue is about: its `field`, else the last named part of its path (`readings.0.value` → value). */
export function issueField(issue: Issue): string {
  if (issue.field) return issue.field;
  const named = issue.path.split('.').filter((p) => p !== '' && !/^\d+$/.test(p));
  return named[named.length - 1] ?? '';
}

/** A field's name as the operator knows it; unknown fields keep their wire name. */
export function fieldLabel(field: string, t: Translate): string {
  return Object.hasOwn(catalogue.issues.field, field) ? t(`issues.field.${field as Field}`) : field;
}

/** How far ahead, in the largest unit that reads naturally: 31 days, 5 hours, 12 minutes. */
export function howFar(seconds: number, lng: string): string {
  const unit = (n: number, u: 'day' | 'hour' | 'minute' | 'second') => new Intl.NumberFormat(lng, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);
  const s = Math.abs(seconds);
  if (s >= 2 * 86_400) return unit(Math.round(s / 86_400), 'day');
  if (s >= 7200) return unit(Math.round(s / 3600), 'hour');
  if (s >= 120) return unit(Math.round(s / 60), 'minute');
  return unit(Math.round(s), 'second');
}

const num = (v: Params[string] | undefined, lng: string) => (typeof v === 'number' ? formatNumber(v, lng) : String(v ?? '—'));
const str = (v: Params[string] | undefined) => (v === null || v === undefined ? '—' : String(v));

/** A value below a minimum or above a maximum: a number, a text's length, a list's size. */
function boundSentence(code: 'too_small' | 'too_big', p: Params, label: string, t: Translate, lng: string): string | null {
  const bound = code === 'too_small' ? p.min : p.max;
  if (typeof bound !== 'number') return null;
  const values = { field: label, min: num(p.min, lng), max: num(p.max, lng) };
  const exclusive = p.inclusive === false;
  switch (p.of) {
    case 'number':
    case 'bigint':
      return code === 'too_small'
        ? t(exclusive ? 'issues.too_small.number_exclusive' : 'issues.too_small.number', values)
        : t(exclusive ? 'issues.too_big.number_exclusive' : 'issues.too_big.number', values);
    case 'string':
      if (code === 'too_small' && bound <= 1) return t('issues.too_small.empty', values);
      return t(code === 'too_small' ? 'issues.too_small.string' : 'issues.too_big.string', values);
    case 'array':
    case 'set':
      return t(code === 'too_small' ? 'issues.too_small.array' : 'issues.too_big.array', values);
    default:
      return null;
  }
}

/** The sentence for an issue code, or null when the console has none for it. */
function issueSentence(issue: Issue, t: Translate, lng: string): string | null {
  const p: Params = issue.params ?? {};
  const field = issueField(issue);
  const label = fieldLabel(field, t);
  switch (issue.code) {
    case 'required':
    case 'invalid_id':
    case 'not_a_number':
    case 'invalid':
      return t(`issues.${issue.code}`, { field: label });
    case 'out_of_range':
      return field === 'quality' ? t('issues.quality_range') : t('issues.out_of_range', { field: label });
    case 'invalid_sensor_type':
    case 'invalid_timestamp':
    case 'invalid_unit':
    case 'invalid_metadata':
    case 'not_an_object':
    case 'unreadable_row':
    case 'range_inverted':
    case 'name_taken':
    case 'already_used':
      return t(`issues.${issue.code}`);
    case 'unknown_field':
      return t('issues.unknown_field', { name: str(p.field ?? field) });
    case 'too_small':
    case 'too_big':
      return boundSentence(issue.code, p, label, t, lng);
    case 'invalid_type':
      return t(p.expected === 'number' ? 'issues.not_a_number' : 'issues.invalid', { field: label });
    case 'invalid_value':
      return typeof p.allowed === 'string' ? t('issues.invalid_value', { field: label, allowed: p.allowed }) : t('issues.invalid', { field: label });
    case 'future_timestamp':
      return typeof p.seconds_ahead === 'number'
        ? t('issues.future_timestamp', { ahead: howFar(p.seconds_ahead, lng), skew: howFar(typeof p.max_skew_s === 'number' ? p.max_skew_s : 300, lng) })
        : null;
    case 'sensor_mismatch': {
      const what = typeof p.field === 'string' && WHAT_KEYS.has(p.field) ? t(`issues.what.${p.field as keyof typeof catalogue.issues.what}`) : str(p.field);
      return t('issues.sensor_mismatch', { sensor: str(p.sensor_id), what, registered: str(p.registered), sent: str(p.sent) });
    }
    case 'conflict':
      return t('issues.conflict', {
        value: num(p.value, lng),
        stored: num(p.stored_value, lng),
        sensor: str(p.sensor_id),
        time: typeof p.timestamp === 'string' || typeof p.timestamp === 'number' ? formatDateTime(p.timestamp, lng) : '—',
      });
    case 'unknown_sensor':
      return t('issues.unknown_sensor', { sensor: str(p.sensor_id), asset: str(p.asset_id) });
    default:
      return null;
  }
}

/** One issue in the operator's language; the station's technical text as the detail. */
export function issueText(issue: Issue, t: Translate, lng: string): Said {
  const sentence = issueSentence(issue, t, lng);
  if (sentence !== null) {
    // An unreadable row's message is the parser's own account: technical, and the only one.
    const detail = issue.detail ?? (issue.code === 'unreadable_row' ? issue.message : undefined);
    return { text: sentence, detail };
  }
  if (english(lng)) return { text: issue.message, detail: issue.detail };
  return { text: t('issues.generic', { field: fieldLabel(issueField(issue), t) }), detail: issue.detail ?? issue.message };
}

/** A wait the station asked for (Retry-After), in words: 30 seconds, 2 minutes. */
export function formatWait(seconds: number, lng: string): string {
  const unit = (n: number, u: 'minute' | 'second') => new Intl.NumberFormat(lng, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);
  return seconds < 120 ? unit(Math.max(1, Math.ceil(seconds)), 'second') : unit(Math.ceil(seconds / 60), 'minute');
}

/** Any failure of a call in the operator's language, with its field issues and the station's words. */
export function errorText(error: unknown, t: Translate, lng: string): SaidError {
  if (!(error instanceof ApiError)) {
    return { text: t('errors.unknown'), detail: error instanceof Error ? error.message : String(error), issues: [] };
  }
  let text: string;
  if (ERROR_KEYS.has(error.code)) text = t(`errors.${error.code}` as 'errors.unknown');
  else if (english(lng) && !error.code.startsWith('http_')) text = error.message;
  else text = t('errors.unknown');
  if (error.retryAfterS !== undefined) text = `${text} ${t('errors.waitFor', { wait: formatWait(error.retryAfterS, lng) })}`;
  // Nothing the station said about an unreachable station: the browser's "Failed to fetch" helps nobody.
  const detail = error.code === NETWORK_ERROR || error.code === ABORTED || error.message === text ? undefined : error.message;
  return { text, detail, issues: error.issues.map((i) => issueText(i, t, lng)), reference: error.correlationId };
}

/** Why a training job failed (its error has a code and the station's message). */
export function jobErrorText(error: { code: string; message: string } | null, t: Translate): Said {
  if (!error) return { text: t('jobErrors.unknown') };
  const key = JOB_KEYS.has(error.code) ? (error.code as keyof typeof catalogue.jobErrors) : 'unknown';
  return { text: t(`jobErrors.${key}`), detail: error.message };
}
