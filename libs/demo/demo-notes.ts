import type { EntityManager } from 'typeorm';
import type { ContactType, NoteSensitivity } from '#libs/contracts/index.js';
import { uuidv7 } from '#libs/platform/index.js';

interface NoteTemplate {
  contactType: ContactType;
  counterpart: string | null;
  title: string;
  body: string;
  sensitivity: NoteSensitivity;
}

/** What a lead organisation (市担当課 / 福祉事務所) writes. */
const LEAD_NOTES: Record<string, NoteTemplate[]> = {
  elderly: [
    { contactType: 'office_visit', counterpart: '長女', title: '初回相談', sensitivity: 'normal',
      body: '長女が来所。最近物忘れが増え、火の不始末が心配とのこと。一人暮らしの継続を本人は希望。地域包括支援センターと情報共有し、訪問調整を依頼した。' },
    { contactType: 'meeting', counterpart: '包括、社協、ケアマネ', title: '地域ケア会議', sensitivity: 'normal',
      body: '地域ケア会議を開催。見守り体制（社協の配食時の声かけ、民生委員の週1回訪問）を確認。次回は3か月後に状況確認。' },
    { contactType: 'phone', counterpart: '主治医', title: '主治医との連絡', sensitivity: 'sensitive',
      body: '主治医より、服薬管理が不十分で血圧が不安定との連絡。訪問看護の導入を検討。要介護認定の区分変更申請を案内予定。' },
  ],
  disability: [
    { contactType: 'visit', counterpart: '本人、母', title: '家庭訪問', sensitivity: 'normal',
      body: '自宅を訪問。日中活動の場として就労継続支援B型の見学を希望。相談支援事業所にサービス等利用計画の作成を依頼する。' },
    { contactType: 'liaison', counterpart: '相談支援事業所', title: '計画相談の調整', sensitivity: 'normal',
      body: 'サービス等利用計画案を受領。支給決定に向け、障害支援区分の認定調査日程を調整した。' },
  ],
  poverty: [
    { contactType: 'office_visit', counterpart: '本人', title: '生活相談', sensitivity: 'sensitive',
      body: '家賃滞納2か月、電気料金の督促あり。生活保護の申請意思を確認。必要書類（通帳、賃貸借契約書）を案内した。' },
    { contactType: 'document', counterpart: null, title: '申請書類の確認', sensitivity: 'author_org_only',
      body: '資産申告書を受理。課内での検討事項として記録（他機関への共有不要）。' },
  ],
  other: [
    { contactType: 'phone', counterpart: '本人', title: '近況確認', sensitivity: 'normal',
      body: '電話にて近況を確認。体調は安定しており、困りごとは特にないとのこと。引き続き見守りとする。' },
  ],
};

/** What a partner organisation writes, by its kind. */
const PARTNER_NOTES: Record<string, NoteTemplate[]> = {
  social_welfare_council: [
    { contactType: 'visit', counterpart: '本人', title: '配食時の見守り', sensitivity: 'normal',
      body: '配食サービスの際に声かけ。室内は整頓されており、食事も半分程度は食べている様子。郵便物が溜まっていたため一緒に確認した。' },
    { contactType: 'accompany', counterpart: '本人', title: '金融機関への同行', sensitivity: 'normal',
      body: '日常生活自立支援事業の手続きのため金融機関へ同行。通帳の管理方法について本人と確認した。' },
  ],
  community_support_center: [
    { contactType: 'visit', counterpart: '本人、長女', title: '包括訪問', sensitivity: 'normal',
      body: '自宅訪問。長女同席。介護保険サービスの利用について説明し、デイサービスの体験利用を提案。本人は前向き。' },
    { contactType: 'phone', counterpart: '民生委員', title: '民生委員からの連絡', sensitivity: 'normal',
      body: '民生委員より、夜間に屋外を歩いている姿を見かけたとの情報提供。家族へ連絡し、見守りの強化を依頼した。' },
    { contactType: 'visit', counterpart: '本人', title: '健康状態の確認', sensitivity: 'sensitive',
      body: '足のむくみと息切れあり。受診を勧め、主治医への情報提供書を作成した。' },
  ],
  disability_consultation: [
    { contactType: 'meeting', counterpart: '本人、母、事業所', title: 'サービス担当者会議', sensitivity: 'normal',
      body: 'サービス担当者会議を開催。就労継続支援B型を週3日から開始。通所手段は送迎を利用。3か月後にモニタリング。' },
    { contactType: 'visit', counterpart: '本人', title: 'モニタリング', sensitivity: 'author_org_only',
      body: '事業所内の支援方針メモ。本人の希望と家族の意向に差があり、次回面談で改めて確認する。' },
  ],
  disability_facility: [
    { contactType: 'liaison', counterpart: '相談支援事業所', title: '通所状況の報告', sensitivity: 'normal',
      body: '今月の通所は12日。作業には集中して取り組めている。昼食後に疲れが見られる日がある。' },
  ],
  care_management_office: [
    { contactType: 'visit', counterpart: '本人', title: 'ケアプラン説明', sensitivity: 'normal',
      body: 'ケアプラン原案を説明し同意を得た。訪問介護週2回、デイサービス週1回で開始。' },
  ],
};

const DAY = 24 * 60 * 60 * 1000;

/**
 * Case notes on the demo recipients, written by their lead organisation and by every partner whose grant allows
 * writing notes. Runs inside the demo seed's transaction, after the recipients and grants exist.
 */
export async function seedDemoNotes(em: EntityManager, now = new Date()): Promise<number> {
  const recipients: { id: string; lead: string; categories: string[] }[] = await em.query(
    `SELECT id, lead_organisation_id AS lead, support_categories AS categories FROM recipients ORDER BY case_number`,
  );
  const writers: { recipient_id: string; organisation_id: string; kind: string }[] = await em.query(
    `SELECT DISTINCT g.recipient_id, g.grantee_organisation_id AS organisation_id, o.kind
       FROM grants g JOIN organisations o ON o.id = g.grantee_organisation_id
      WHERE g.revoked_at IS NULL AND 'notes.write' = ANY (g.permissions)`,
  );
  const caseworkers: { id: string; organisation_id: string }[] = await em.query(
    `SELECT DISTINCT ON (organisation_id) id, organisation_id FROM users WHERE role = 'caseworker' AND active ORDER BY organisation_id, created_at`,
  );
  const userOf = new Map(caseworkers.map((u) => [u.organisation_id, u.id]));
  let written = 0;
  // Midnight of today in Japan, as a UTC instant (JST is UTC+9 all year).
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  const todayJst = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()) - 9 * 3_600_000;
  for (const [index, recipient] of recipients.entries()) {
    const plan: { org: string; note: NoteTemplate }[] = [];
    const category = recipient.categories.find((c) => LEAD_NOTES[c]) ?? 'other';
    for (const note of LEAD_NOTES[category]) plan.push({ org: recipient.lead, note });
    for (const w of writers.filter((x) => x.recipient_id === recipient.id)) {
      for (const note of PARTNER_NOTES[w.kind] ?? []) plan.push({ org: w.organisation_id, note });
    }
    // Oldest first, a few days apart, ending a day or two ago: a plausible support history (支援経過).
    for (const [step, { org, note }] of plan.entries()) {
      const author = userOf.get(org);
      if (!author) continue;
      // Office hours in Japan (09:00–16:30 JST), a few days apart.
      const daysBack = (plan.length - step) * 4 + ((index * 7) % 5);
      const minutes = 9 * 60 + ((index * 5 + step * 3) % 16) * 30;
      const occurredAt = new Date(todayJst - daysBack * DAY + minutes * 60_000);
      const createdAt = new Date(occurredAt.getTime() + 2 * 3_600_000);
      const id = uuidv7();
      await em.query(
        `INSERT INTO case_notes (id, recipient_id, author_user_id, author_organisation_id, occurred_at, contact_type, counterpart,
           title, body, sensitivity, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
        [id, recipient.id, author, org, occurredAt, note.contactType, note.counterpart, note.title, note.body, note.sensitivity, createdAt],
      );
      await em.query(
        `INSERT INTO case_note_revisions (note_id, version, occurred_at, contact_type, counterpart, title, body, sensitivity,
           written_at, written_by, written_by_organisation_id, change)
         SELECT id, version, occurred_at, contact_type, counterpart, title, body, sensitivity, created_at, author_user_id,
                author_organisation_id, 'create' FROM case_notes WHERE id = $1`,
        [id],
      );
      written += 1;
    }
  }
  return written;
}
