import type { ReactNode } from 'react';

export function Section({ title, testId, children, aside }: { title: string; testId: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <details className="panel" data-testid={testId} open>
      <summary>
        <span className="panel-title">{title}</span>
        {aside}
      </summary>
      <div className="panel-body">{children}</div>
    </details>
  );
}
