/**
 * The derived key that name search runs on (shared/DOMAIN.md "Names, kana and dates").
 *
 * Names are stored exactly as typed; only this key is normalised, so that `やまだ たろう`, `ﾔﾏﾀﾞﾀﾛｳ`, `山田　太郎`
 * and `髙橋`/`高橋` find the same person. The same function builds the stored key and the query key, so the
 * two sides can never drift apart.
 */

/**
 * Variant (異体字) and old-form (旧字体) kanji common in personal names, folded to the form people usually type.
 * Only pairs that are the same character in different shapes belong here; distinct characters that merely look
 * alike (斉/斎, 崎/埼) stay apart, or a search would find the wrong person.
 * CJK compatibility ideographs (U+F900–FAFF) are mostly folded by NFKC already; 﨑 (U+FA11) is one of the few
 * NFKC leaves alone, hence its entry.
 */
const VARIANT_KANJI: Readonly<Record<string, string>> = {
  // 高
  髙: '高',
  // 崎
  﨑: '崎',
  嵜: '崎',
  碕: '崎',
  // 辺
  邊: '辺',
  邉: '辺',
  // 斎 (齋 is the old form of 斎; 齊 is the old form of 斉, a different character)
  齋: '斎',
  齊: '斉',
  // 浜
  濵: '浜',
  濱: '浜',
  // 島
  嶋: '島',
  嶌: '島',
  // 籠 (篭 is its abbreviated form)
  篭: '籠',
  // 吉 (土吉, U+20BB7)
  '\u{20BB7}': '吉',
  // 富
  冨: '富',
  // 淵
  渕: '淵',
  渊: '淵',
  // 槙
  槇: '槙',
  // 桧
  檜: '桧',
  // 桑
  桒: '桑',
  // 館
  舘: '館',
  // 野
  埜: '野',
  // 村
  邨: '村',
  // 峰
  峯: '峰',
  // 岳
  嶽: '岳',
  // 国
  國: '国',
  圀: '国',
  // 猪
  豬: '猪',
  // 戸 (戶, the form with the slanted top stroke)
  戶: '戸',
  // Old forms (旧字体) that survive in family registers
  德: '徳',
  眞: '真',
  澤: '沢',
  櫻: '桜',
  廣: '広',
  惠: '恵',
  榮: '栄',
  實: '実',
  壽: '寿',
  靜: '静',
  龍: '竜',
  關: '関',
  瀧: '滝',
  藏: '蔵',
  豐: '豊',
  禮: '礼',
  彌: '弥',
  與: '与',
  傳: '伝',
  繪: '絵',
  圓: '円',
  黑: '黒',
  滿: '満',
  淺: '浅',
  萬: '万',
  條: '条',
  來: '来',
  會: '会',
  應: '応',
  團: '団',
  寶: '宝',
  寳: '宝',
  晉: '晋',
  亞: '亜',
  乘: '乗',
  佛: '仏',
  兒: '児',
  劍: '剣',
  卷: '巻',
  嚴: '厳',
  增: '増',
  學: '学',
  恆: '恒',
  曉: '暁',
  橫: '横',
  步: '歩',
  氣: '気',
  淨: '浄',
  溪: '渓',
  燈: '灯',
  稻: '稲',
  穗: '穂',
  絲: '糸',
  綠: '緑',
  縣: '県',
  聰: '聡',
  臺: '台',
  莊: '荘',
  螢: '蛍',
  觀: '観',
  讓: '譲',
  賴: '頼',
  轉: '転',
  遙: '遥',
  鐵: '鉄',
  靑: '青',
  顯: '顕',
  鷗: '鴎',
  黃: '黄',
  龜: '亀',
  瀨: '瀬',
  彥: '彦',
  廳: '庁',
  澁: '渋',
  盡: '尽',
  當: '当',
};

/** Small kana that stand for full ones in place names inside personal names (一ヶ谷 = 一ケ谷 = 一が谷 by sound). */
const SMALL_KANA: Readonly<Record<string, string>> = { ゖ: 'け', ゕ: 'か' };

// Variation selectors (standard and ideographic, e.g. the IVS that picks one-dot 辻): invisible, not part of the name.
const VARIATION_SELECTORS = /[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g;
// Every kind of space (NFKC already maps U+3000 to U+0020) and the middle dots that split foreign names (ジョン・スミス).
const SEPARATORS = /[\s\u00B7\u30FB\u200B-\u200D\u2060\uFEFF]/g;

function fold(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC').replace(VARIATION_SELECTORS, '').replace(SEPARATORS, '')) {
    const code = ch.codePointAt(0)!;
    // Katakana ァ (U+30A1) … ヶ (U+30F6) → hiragana ぁ … ゖ; ヴ becomes ゔ. ヷ–ヺ have no hiragana and stay.
    const hira = code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
    out += SMALL_KANA[hira] ?? VARIANT_KANJI[hira] ?? hira;
  }
  return out.toLowerCase();
}

/**
 * The stored search key of a recipient: each name part folded and concatenated (family name, given name, then the
 * kana), so that "山田太郎" and "やまだたろう" are both substrings of it. Missing parts are skipped.
 */
export function recipientSearchKey(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .map(fold)
    .join('');
}

/** The key a `?q=` search looks for inside stored keys; empty when the query holds nothing searchable. */
export function searchQueryKey(q: string): string {
  return fold(q);
}

/** The longest query key served by the short-gram index; longer ones use the trigram index. */
export const SHORT_GRAM_MAX = 2;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The SQL condition "recipient `r` matches the query key", written so that an index serves it
 * (migration RecipientNameSearch): 1–2 characters probe the GIN index of the key's 1- and 2-character substrings,
 * longer keys a pg_trgm GIN index through LIKE. Both mean "the key contains the query key".
 */
export function nameSearchSql(r: string, key: string, params: { add(value: unknown): string }): string {
  if ([...key].length <= SHORT_GRAM_MAX) return `${r}.search_grams @> ARRAY[${params.add(key)}]::text[]`;
  return `${r}.search_key LIKE '%' || ${params.add(escapeLike(key))} || '%'`;
}

/** Between family and given name in a kana sort key: below every character a folded name can hold (controls are dropped). */
const KANA_SORT_SEPARATOR = '\u0001';
const CONTROLS = /[\u0000-\u001F\u007F]/g;
/**
 * Longest kana sort key, in code points: a page cursor carries the key, and cursors are capped at 400 UTF-16 units.
 * The stored key is cut the same way, so the order stays total (key, then id) and the cursor always matches it.
 */
export const KANA_SORT_KEY_MAX = 200;

/**
 * The stored key of `?sort=kana` (五十音順): each kana part folded as for search (NFKC, katakana → hiragana, spaces
 * dropped), so カタカナ, ひらがな and ﾊﾝｶｸ entries interleave; compared by code point (the column is COLLATE "C"),
 * which for hiragana is the 五十音 table with voiced and small kana next to their plain ones.
 * A separator below every kana keeps family and given name apart ('あい'+'う' before 'あ'+'いう' would be wrong:
 * あ|いう < あい|う). The leading class character puts recipients with kana ('0') before those without ('1').
 */
export function kanaSortKey(familyKana: string | null | undefined, givenKana: string | null | undefined): string {
  const family = fold(familyKana ?? '').replace(CONTROLS, '');
  const given = fold(givenKana ?? '').replace(CONTROLS, '');
  if (family === '' && given === '') return '1';
  return [...`0${family}${KANA_SORT_SEPARATOR}${given}`].slice(0, KANA_SORT_KEY_MAX).join('');
}
