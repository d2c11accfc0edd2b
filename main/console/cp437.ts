/** Code page 437 (the PC's text-mode character set) to Unicode, for text screens read as strings. */
const HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const LOW = ' ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼';

export const CP437: string[] = Array.from({ length: 256 }, (_, i) =>
  i < 32 ? LOW[i]! : i < 127 ? String.fromCharCode(i) : i === 127 ? '⌂' : HIGH[i - 128]!,
);

/** A row of character codes as text, trailing blanks kept (callers trim if they want). */
export function cp437ToString(codes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < codes.length; i++) s += CP437[codes[i]! & 0xff];
  return s;
}
