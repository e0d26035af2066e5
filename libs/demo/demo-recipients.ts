import type { EntityManager } from 'typeorm';
import type { FieldGroup, GrantPermission, LegalBasis } from '#libs/contracts/index.js';
import { uuidv7 } from '#libs/platform/index.js';
import { kanaSortKey, recipientSearchKey } from '#libs/japanese-names/index.js';

interface SeededIdentityLike {
  organisations: Record<string, string>;
  users: Record<string, string>;
}

type Person = [
  family: string,
  given: string,
  familyKana: string,
  givenKana: string,
  birth: string,
  sex: 'male' | 'female',
  status: 'intake' | 'active' | 'monitoring' | 'closed',
  categories: string,
  lead: 'kaigo' | 'fukushi',
];

/** Fictional people (variant kanji included: 髙, 﨑, 齋) spread over categories, statuses and both lead departments. */
const PEOPLE: Person[] = [
  ['髙橋', 'トミ', 'たかはし', 'とみ', '1936-05-12', 'female', 'active', 'elderly', 'kaigo'],
  ['﨑山', '正男', 'さきやま', 'まさお', '1942-11-03', 'male', 'monitoring', 'elderly', 'kaigo'],
  ['佐々木', 'キヨ', 'ささき', 'きよ', '1939-02-20', 'female', 'active', 'elderly', 'kaigo'],
  ['小川', '勝', 'おがわ', 'まさる', '1950-08-08', 'male', 'active', 'poverty', 'fukushi'],
  ['長谷川', '美和', 'はせがわ', 'みわ', '1985-04-17', 'female', 'intake', 'child,poverty', 'fukushi'],
  ['石井', '健太', 'いしい', 'けんた', '1998-09-30', 'male', 'active', 'disability', 'fukushi'],
  ['森', '和子', 'もり', 'かずこ', '1944-01-25', 'female', 'closed', 'elderly', 'kaigo'],
  ['清水', '隆', 'しみず', 'たかし', '1961-06-14', 'male', 'active', 'disability,poverty', 'fukushi'],
  ['山崎', 'ハル', 'やまざき', 'はる', '1933-03-03', 'female', 'active', 'elderly', 'kaigo'],
  ['池田', '翔', 'いけだ', 'しょう', '2004-12-01', 'male', 'intake', 'disability', 'fukushi'],
  ['阿部', '節子', 'あべ', 'せつこ', '1947-07-07', 'female', 'monitoring', 'elderly', 'kaigo'],
  ['橋本', '誠一', 'はしもと', 'せいいち', '1958-10-10', 'male', 'active', 'poverty', 'fukushi'],
  ['斎藤', '由紀', 'さいとう', 'ゆき', '1979-05-05', 'female', 'active', 'child', 'fukushi'],
  ['齋藤', 'ヨシ', 'さいとう', 'よし', '1938-08-15', 'female', 'active', 'elderly', 'kaigo'],
  ['前田', '大輝', 'まえだ', 'だいき', '1992-02-29', 'male', 'monitoring', 'disability', 'fukushi'],
  ['藤田', '恵美子', 'ふじた', 'えみこ', '1955-11-23', 'female', 'active', 'poverty,other', 'fukushi'],
  ['岡本', '文雄', 'おかもと', 'ふみお', '1940-04-29', 'male', 'active', 'elderly,disability', 'kaigo'],
  ['村上', '千代', 'むらかみ', 'ちよ', '1931-09-09', 'female', 'monitoring', 'elderly', 'kaigo'],
  ['近藤', '亮介', 'こんどう', 'りょうすけ', '1988-01-18', 'male', 'intake', 'poverty', 'fukushi'],
  ['坂本', 'ミツ', 'さかもと', 'みつ', '1937-06-21', 'female', 'active', 'elderly', 'kaigo'],
  ['遠藤', '直美', 'えんどう', 'なおみ', '1972-03-11', 'female', 'closed', 'poverty', 'fukushi'],
  ['青木', '悟', 'あおき', 'さとる', '1966-12-24', 'male', 'active', 'disability', 'fukushi'],
  ['髙木', '久子', 'たかぎ', 'ひさこ', '1945-10-01', 'female', 'active', 'elderly', 'kaigo'],
  ['西村', '陽菜', 'にしむら', 'ひな', '2010-07-19', 'female', 'intake', 'child', 'fukushi'],
  ['福田', '稔', 'ふくだ', 'みのる', '1949-02-02', 'male', 'monitoring', 'elderly,poverty', 'kaigo'],
  ['太田', '舞', 'おおた', 'まい', '1995-08-27', 'female', 'active', 'disability', 'fukushi'],
  ['三浦', '栄', 'みうら', 'さかえ', '1934-11-11', 'male', 'active', 'elderly', 'kaigo'],
  ['藤井', '和也', 'ふじい', 'かずや', '1976-04-04', 'male', 'intake', 'poverty,other', 'fukushi'],
  ['岡田', 'さくら', 'おかだ', 'さくら', '2001-03-31', 'female', 'active', 'disability', 'fukushi'],
  ['中島', 'ツル', 'なかじま', 'つる', '1930-01-08', 'female', 'monitoring', 'elderly', 'kaigo'],
  ['宮﨑', '良夫', 'みやざき', 'よしお', '1952-09-16', 'male', 'active', 'elderly,poverty', 'kaigo'],
];

const TOWNS = ['本町', '旭町', '東裏館', '西裏館', '月岡', '荒町', '興野', '須頃', '大崎', '下田'];
const CARE_LEVELS = ['support_1', 'support_2', 'care_1', 'care_2', 'care_3', 'care_4', 'care_5'];
const DEMENTIA = ['independent', 'I', 'IIa', 'IIb', 'IIIa'];
const CERTS = [
  [{ type: 'intellectual', grade: 'B' }],
  [{ type: 'mental', grade: '2' }],
  [{ type: 'physical', grade: '1' }],
  [{ type: 'physical', grade: '3' }, { type: 'mental', grade: '3' }],
  [{ type: 'intellectual', grade: 'A' }],
];
const RELATIONS = ['長男', '長女', '次男', '妻', '夫', '姪', '母'];

/** Adds ~30 recipients, one consent and grants on varied legal bases, so that every partner sees a realistic partial view. */
export async function seedRecipients(em: EntityManager, seeded: SeededIdentityLike): Promise<void> {
  const org = seeded.organisations;
  const leadUser = { kaigo: seeded.users['kaigo.cw'], fukushi: seeded.users['fukushi.cw'] };
  const ids: string[] = [];
  for (const [i, [family, given, familyKana, givenKana, birth, sex, status, cats, lead]] of PEOPLE.entries()) {
    const id = uuidv7();
    ids.push(id);
    const categories = cats.split(',');
    const elderly = categories.includes('elderly');
    const disability = categories.includes('disability');
    const poverty = categories.includes('poverty');
    const [{ n }] = await em.query(`SELECT nextval('recipient_case_number_seq') AS n`);
    const opened = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
    await em.query(
      `INSERT INTO recipients (id, created_by, lead_organisation_id, case_number, family_name, given_name, family_name_kana,
         given_name_kana, birth_date, sex, status, support_categories, opened_on, closed_on, postal_code, address, phone,
         emergency_contacts, care_level, dementia_independence, disability_certificates, disability_support_category,
         public_assistance, assistance_caseworker, health_notes, primary_physician, search_key, kana_sort_key, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,
               now() - ($29 || ' hours')::interval)`,
      [
        id,
        leadUser[lead],
        org[lead],
        `R2026-${String(n).padStart(6, '0')}`,
        family,
        given,
        familyKana,
        givenKana,
        birth,
        sex,
        status,
        categories,
        opened,
        status === 'closed' ? '2026-09-30' : null,
        `955-00${String(60 + (i % 30)).padStart(2, '0')}`,
        `新潟県三条市${TOWNS[i % TOWNS.length]}${(i % 5) + 1}-${(i % 9) + 1}-${(i % 7) + 2}`,
        `0256-3${i % 10}-${String(1000 + i * 37).slice(-4)}`,
        JSON.stringify([
          { name: `${family} ${['一郎', '洋子', '浩二', '明美'][i % 4]}`, relationship: RELATIONS[i % RELATIONS.length], phone: `090-${String(1200 + i).padStart(4, '0')}-${String(5600 + i * 3).slice(-4)}`, isKeyPerson: true },
        ]),
        elderly ? CARE_LEVELS[i % CARE_LEVELS.length] : null,
        elderly ? DEMENTIA[i % DEMENTIA.length] : null,
        JSON.stringify(disability ? CERTS[i % CERTS.length] : []),
        disability ? String((i % 6) + 1) : null,
        poverty ? (status === 'closed' ? 'ended' : 'receiving') : 'none',
        poverty ? '福祉課 渡辺' : null,
        elderly ? '高血圧で内服中。月1回通院。' : disability ? '服薬管理の支援が必要。' : null,
        elderly ? '三条中央クリニック' : disability ? '県立精神医療センター' : null,
        recipientSearchKey(family, given, familyKana, givenKana),
        kanaSortKey(familyKana, givenKana),
        String(i * 7),
      ],
    );
  }

  const addGrant = async (
    recipientIndex: number,
    grantee: string,
    fieldGroups: FieldGroup[],
    permissions: GrantPermission[],
    legalBasis: LegalBasis,
    basisReference: string | null,
    opts: { consentId?: string; validUntil?: string; revoked?: boolean } = {},
  ) => {
    const lead = PEOPLE[recipientIndex][8];
    await em.query(
      `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, consent_id,
         basis_reference, valid_from, valid_until, granted_by, revoked_at, revoked_by, revoke_reason)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8, now() - interval '30 days', $9::timestamptz, $10,
               CASE WHEN $11 THEN now() - interval '2 days' END, CASE WHEN $11 THEN $10::uuid END, CASE WHEN $11 THEN '支援終了' END)`,
      [
        uuidv7(),
        ids[recipientIndex],
        org[grantee],
        fieldGroups,
        permissions,
        legalBasis,
        opts.consentId ?? null,
        basisReference,
        opts.validUntil ?? null,
        leadUser[lead],
        opts.revoked ?? false,
      ],
    );
  };

  // 地域包括支援センター: the elderly cases of 高齢介護課, by 地域ケア会議.
  for (const [i, p] of PEOPLE.entries()) {
    if (p[8] !== 'kaigo' || !p[7].includes('elderly') || p[6] === 'closed') continue;
    const withHealth = i % 3 === 0;
    await addGrant(
      i,
      'houkatsu',
      withHealth ? ['basic', 'contact', 'care', 'health'] : ['basic', 'contact', 'care'],
      i % 2 ? ['notes.read', 'notes.write'] : ['notes.read', 'notes.write', 'profile.write'],
      'care_meeting',
      '地域ケア会議 2026-10-15',
    );
  }
  // 社会福祉協議会: poverty cases, by 支援会議 (生活困窮者自立支援法9条).
  for (const [i, p] of PEOPLE.entries()) {
    if (!p[7].includes('poverty') || p[6] === 'closed') continue;
    await addGrant(i, 'shakyo', ['basic', 'contact', 'assistance'], ['notes.read'], 'support_meeting', '支援会議 2026-11-05');
  }
  // 相談支援事業所 ひまわり: disability cases under an entrustment contract.
  for (const [i, p] of PEOPLE.entries()) {
    if (p[8] !== 'fukushi' || !p[7].includes('disability')) continue;
    await addGrant(i, 'himawari', ['basic', 'contact', 'disability'], ['notes.read', 'notes.write', 'profile.write'], 'entrustment', '委託契約 三福第2026-041');
  }
  // 石井 健太: a written consent lets さくら園 see health notes too.
  const ishii = PEOPLE.findIndex((p) => p[0] === '石井');
  const consentId = uuidv7();
  await em.query(
    `INSERT INTO consents (id, recipient_id, organisation_ids, field_groups, purpose, obtained_on, obtained_by, method,
       signatory, document_reference, valid_until, created_by)
     VALUES ($1, $2, $3, $4, $5, '2026-10-20', $6, 'written', 'self', '同意書 No.2026-118', now() + interval '300 days', $7)`,
    [
      consentId,
      ids[ishii],
      [org.himawari, org.sakura],
      ['basic', 'contact', 'disability', 'health'],
      '短期入所の利用調整と服薬支援のための情報共有',
      '渡辺 直樹',
      leadUser.fukushi,
    ],
  );
  await em.query(
    `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, consent_id,
       valid_from, valid_until, granted_by)
     VALUES ($1, $2, $3, '{basic,disability,health}', '{notes.read,notes.write}', 'consent', $4, now() - interval '1 day',
       now() + interval '300 days', $5)`,
    [uuidv7(), ids[ishii], org.sakura, consentId, leadUser.fukushi],
  );
  // 太田 舞: an emergency placement at さくら園 (生命・身体の保護, 72 hours at most).
  const ota = PEOPLE.findIndex((p) => p[0] === '太田');
  await em.query(
    `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
       valid_from, valid_until, granted_by)
     VALUES ($1, $2, $3, '{basic,contact,health}', '{notes.read}', 'vital_interest', '緊急一時保護 2026-11-21 夜間連絡',
       now() - interval '2 hours', now() + interval '46 hours', $4)`,
    [uuidv7(), ids[ota], org.sakura, leadUser.fukushi],
  );
  // History worth seeing in the registry: one revoked grant and one that expired.
  await addGrant(ishii, 'shakyo', ['basic'], [], 'statute', '生活保護法29条 照会', { revoked: true });
  const yamazaki = PEOPLE.findIndex((p) => p[0] === '山崎');
  await em.query(
    `INSERT INTO grants (id, recipient_id, grantee_organisation_id, field_groups, permissions, legal_basis, basis_reference,
       valid_from, valid_until, granted_by)
     VALUES ($1, $2, $3, '{basic,care}', '{}', 'care_meeting', '地域ケア会議 2026-06-10', now() - interval '120 days',
       now() - interval '10 days', $4)`,
    [uuidv7(), ids[yamazaki], org.shakyo, leadUser.kaigo],
  );
}
