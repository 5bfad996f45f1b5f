import type { ReactNode } from 'react';

/** An empty list that tells the operator what to do next. */
export function EmptyState({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="empty" role="status" data-testid={testId}>
      {children}
    </div>
  );
}
