import { KANA_SORT_KEY_MAX, kanaSortKey, recipientSearchKey, searchQueryKey } from './search-key.js';

const matches = (key: string, q: string) => {
  const needle = searchQueryKey(q);
  return needle.length > 0 && key.includes(needle);
};

describe('recipientSearchKey / searchQueryKey', () => {
  const yamada = recipientSearchKey('山田', '太郎', 'ヤマダ', 'タロウ');

  it.each(['やまだ', 'ﾔﾏﾀﾞ', 'ヤマダ', '山田太郎', 'やまだ たろう', '山田　太郎', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダタロウ', ' たろう '])(
    'finds 山田 太郎 / ヤマダ タロウ by %j',
    (q) => expect(matches(yamada, q)).toBe(true),
  );

  it('does not find 山田 太郎 by another name', () => {
    expect(matches(yamada, '山本')).toBe(false);
    expect(matches(yamada, 'たなか')).toBe(false);
  });

  it('folds 髙橋 and 高橋 both ways', () => {
    expect(matches(recipientSearchKey('髙橋', '花子', 'タカハシ', 'ハナコ'), '高橋')).toBe(true);
    expect(matches(recipientSearchKey('高橋', '花子', 'タカハシ', 'ハナコ'), '髙橋')).toBe(true);
  });

  it.each([
    ['山﨑', '山崎'],
    ['渡邊', '渡辺'],
    ['渡邉', '渡辺'],
    ['齋藤', '斎藤'],
    ['濵田', '浜田'],
    ['德永', '徳永'],
    ['眞鍋', '真鍋'],
    ['澤田', '沢田'],
    ['櫻井', '桜井'],
    ['廣瀬', '広瀬'],
    ['國井', '国井'],
    ['嶋田', '島田'],
    ['小嶌', '小島'],
    ['\u{20BB7}田', '吉田'],
  ])('folds the variant %s to %s', (variant, common) => {
    expect(searchQueryKey(variant)).toBe(searchQueryKey(common));
  });

  it('keeps distinct characters apart (斉 and 斎 are different names)', () => {
    expect(searchQueryKey('斉藤')).not.toBe(searchQueryKey('斎藤'));
    expect(searchQueryKey('齊藤')).toBe(searchQueryKey('斉藤'));
  });

  it('turns katakana into hiragana, including ヴ and half-width voiced kana', () => {
    expect(searchQueryKey('ヴィレッジ')).toBe('ゔぃれっじ');
    expect(searchQueryKey('ｳﾞｨﾚｯｼﾞ')).toBe('ゔぃれっじ');
    expect(searchQueryKey('ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ')).toBe('ぱぴぷぺぽ');
  });

  it('lowercases Latin letters of any width and drops spaces, middle dots and variation selectors', () => {
    expect(searchQueryKey('ＳＭＩＴＨ　John')).toBe('smithjohn');
    expect(searchQueryKey('ジョン・スミス')).toBe('じょんすみす');
    expect(searchQueryKey('辻\u{E0100}')).toBe('辻');
  });

  it('skips missing parts and answers an empty key for nothing searchable', () => {
    expect(recipientSearchKey('山田', null, undefined, '')).toBe('山田');
    expect(searchQueryKey(' 　 ')).toBe('');
  });

  it('never changes what it is given (stored names stay as typed)', () => {
    const name = '髙橋';
    recipientSearchKey(name);
    expect(name).toBe('髙橋');
  });
});

describe('kanaSortKey', () => {
  it('folds width and katakana to one key, keeps family and given apart, puts no kana after any kana', () => {
    expect(kanaSortKey('ﾔﾏﾀﾞ', 'ﾀﾛｳ')).toBe(kanaSortKey('やまだ', 'たろう'));
    expect(kanaSortKey('ヤマダ', 'タロウ')).toBe(kanaSortKey('やまだ ', '　たろう'));
    expect(kanaSortKey('あ', 'いう') < kanaSortKey('あい', 'う')).toBe(true);
    expect(kanaSortKey('やまだ', null) < kanaSortKey('やまだ', 'あ')).toBe(true);
    expect(kanaSortKey('ん', 'ん') < kanaSortKey(null, null)).toBe(true);
    expect(kanaSortKey('\u{10FFFF}', null) < kanaSortKey(null, undefined)).toBe(true);
    expect(kanaSortKey('　', '')).toBe(kanaSortKey(null, null));
    expect(kanaSortKey('あ\u0001', 'い')).toBe(kanaSortKey('あ', 'い'));
  });

  it('is capped so that a cursor can carry it', () => {
    expect([...kanaSortKey('㌀'.repeat(100), '㌀'.repeat(100))]).toHaveLength(KANA_SORT_KEY_MAX);
  });
});
