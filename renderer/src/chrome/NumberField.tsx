import { useEffect, useState } from 'react';

interface NumberFieldProps {
  value: number;
  onCommit: (value: number) => void;
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  testId: string;
  label: string;
  title?: string;
}

/** A number input that lets the user type freely and commits only valid, in-range values. */
export function NumberField({ value, onCommit, min, max, step = 1, integer = false, testId, label, title }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const parsed = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(parsed) && parsed >= min && parsed <= max && (!integer || Number.isInteger(parsed));
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        data-testid={testId}
        value={text}
        min={min}
        max={max}
        step={step}
        aria-invalid={!valid}
        onChange={(event) => {
          setText(event.target.value);
          const next = Number(event.target.value);
          if (event.target.value.trim() !== '' && Number.isFinite(next) && next >= min && next <= max && (!integer || Number.isInteger(next))) {
            onCommit(next);
          }
        }}
        onBlur={() => setText(String(value))}
      />
    </label>
  );
}
