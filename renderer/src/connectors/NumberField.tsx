import { useState } from 'react';
import { numberOf } from './drafts';

/**
 * A number typed as text: the text is kept as typed ("0." on the way to "0.5"), and what does not
 * parse becomes NaN, which the schema refuses naming the key rather than dropping it silently.
 */
export function NumberField({ value, onChange, testId, label }: { value: number; onChange(n: number): void; testId: string; label?: string }) {
  const [text, setText] = useState(Number.isNaN(value) ? '' : String(value));
  const shown = Object.is(numberOf(text), value) ? text : String(value);
  return <input data-testid={testId} className="num-input" value={shown} aria-label={label} onChange={(e) => (setText(e.target.value), onChange(numberOf(e.target.value)))} />;
}
