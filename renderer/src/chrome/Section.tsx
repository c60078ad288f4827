import type { ReactNode } from 'react';

export function Section({ title, testId, children, aside, defaultOpen = true }: { title: string; testId: string; children: ReactNode; aside?: ReactNode; defaultOpen?: boolean }) {
  return (
    <details className="panel" data-testid={testId} open={defaultOpen}>
      <summary>
        <span className="panel-title">{title}</span>
        {aside}
      </summary>
      <div className="panel-body">{children}</div>
    </details>
  );
}
