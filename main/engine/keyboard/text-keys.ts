/** The keys that type a character on a US keyboard: its KeyboardEvent.code and whether Shift is held. */
export interface TypedKey {
  code: string;
  shift: boolean;
}

const PLAIN: Record<string, string> = {
  '`': 'Backquote', '-': 'Minus', '=': 'Equal', '[': 'BracketLeft', ']': 'BracketRight', '\\': 'Backslash',
  ';': 'Semicolon', "'": 'Quote', ',': 'Comma', '.': 'Period', '/': 'Slash', ' ': 'Space', '\n': 'Enter',
  '\r': 'Enter', '\t': 'Tab', '\b': 'Backspace',
};
const SHIFTED: Record<string, string> = {
  '~': 'Backquote', '!': 'Digit1', '@': 'Digit2', '#': 'Digit3', $: 'Digit4', '%': 'Digit5', '^': 'Digit6',
  '&': 'Digit7', '*': 'Digit8', '(': 'Digit9', ')': 'Digit0', _: 'Minus', '+': 'Equal', '{': 'BracketLeft',
  '}': 'BracketRight', '|': 'Backslash', ':': 'Semicolon', '"': 'Quote', '<': 'Comma', '>': 'Period', '?': 'Slash',
};

/** The keys for `text`; a character no US key types is an error naming it. */
export function keysForText(text: string): TypedKey[] {
  return [...text].map((ch) => {
    if (/^[a-z]$/.test(ch)) return { code: `Key${ch.toUpperCase()}`, shift: false };
    if (/^[A-Z]$/.test(ch)) return { code: `Key${ch}`, shift: true };
    if (/^[0-9]$/.test(ch)) return { code: `Digit${ch}`, shift: false };
    if (PLAIN[ch]) return { code: PLAIN[ch], shift: false };
    if (SHIFTED[ch]) return { code: SHIFTED[ch], shift: true };
    throw new Error(`cannot type ${JSON.stringify(ch)}: it has no key on a US keyboard`);
  });
}
