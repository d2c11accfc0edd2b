import { useState, type InputHTMLAttributes } from 'react';

type NumberInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  value: number;
  onChange: (value: number) => void;
};

/** A whole-number input that lets a person clear it and type, reporting numbers only when it holds one. */
export function NumberInput({ value, onChange, ...rest }: NumberInputProps) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // The value changed from outside (a preset, a slider): show it, unless the text already says it.
    setShown(value);
    if (Number(text) !== value || text === '') setText(String(value));
  }
  return (
    <input
      {...rest}
      type="number"
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(n)) onChange(Math.round(n));
      }}
      onBlur={(e) => {
        if (text === '' || !Number.isFinite(Number(text))) setText(String(value));
        rest.onBlur?.(e);
      }}
    />
  );
}
