import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Issue } from '../api/api-error';
import { issueText } from '../format/error-text';
import type { FieldMessage } from './Field';

/**
 * The messages of one field: the local check's words first, then the
 * station's issues in the operator's language (re-said when the language
 * changes, since the issues are kept as the station sent them).
 */
export function useFieldMessages(): (local: string | undefined, issues: readonly Issue[] | undefined) => FieldMessage[] | undefined {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (local, issues) => {
      const list: FieldMessage[] = [...(local ? [local] : []), ...(issues ?? []).map((i) => issueText(i, t, lng))];
      return list.length > 0 ? list : undefined;
    },
    [t, lng],
  );
}
