/**
 * @module engine/data/images/cp437
 * Code page 437, the zip format's encoding of names stored without the UTF-8 flag, as Windows' own zip
 * and 7-Zip write them (the OEM code page; its Western European variant, 850, puts the accented letters
 * of names at the same bytes, 0x80-0xA5). Bytes below 0x80 are ASCII.
 */

/** The characters of bytes 0x80-0xFF, in order. */
const UPPER_HALF =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** `bytes` read as CP437. */
export function decodeCp437(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : UPPER_HALF[b - 0x80];
  return out;
}

/**
 * Whether names that are not UTF-8 were written in CP437 rather than Latin-1: some byte of them lies in
 * 0x80-0xBF, where CP437 has letters (é 0x82, ü 0x81, ñ 0xA4) and Latin-1 control codes or symbols that
 * names hardly hold; names whose bytes beyond ASCII are all 0xC0-0xFF read as Latin-1 letters (é 0xE9).
 */
export function looksLikeCp437(names: readonly Uint8Array[]): boolean {
  return names.some((raw) => raw.some((b) => b >= 0x80 && b < 0xc0));
}
