// Toasts, the in-page confirm dialog and the compute-restarted banner.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';

export function Toasts() {
  const toasts = useStudio((state) => state.toasts);
  const dismiss = useStudio((state) => state.dismissToast);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} data-testid="toast" data-kind={toast.kind}>
          <span className="toast-message">{toast.message}</span>
          <button className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function ConfirmDialog() {
  const { confirm, answer } = useStudio(useShallow((state) => ({ confirm: state.confirm, answer: state.answerConfirm })));
  const okRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!confirm) return;
    okRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') answer(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirm, answer]);
  if (!confirm) return null;
  return (
    <div className="modal-backdrop" onClick={() => answer(false)}>
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        data-testid="confirm-dialog"
        onClick={(event) => event.stopPropagation()}
      >
        <h3 id="confirm-title">{confirm.title}</h3>
        <p className="modal-message">{confirm.message}</p>
        <div className="modal-actions">
          <button data-testid="confirm-cancel" onClick={() => answer(false)}>
            {confirm.cancelLabel ?? 'Cancel'}
          </button>
          <button ref={okRef} className="primary danger" data-testid="confirm-ok" onClick={() => answer(true)}>
            {confirm.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

export function Banner() {
  const banner = useStudio((state) => state.banner);
  const setBanner = useStudio((state) => state.setBanner);
  if (!banner) return null;
  return (
    <div className="banner" role="alert" data-testid="banner">
      <span>{banner}</span>
      <button onClick={() => setBanner(null)}>Dismiss</button>
    </div>
  );
}
