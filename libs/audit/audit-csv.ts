import { formatJst } from '#libs/platform/index.js';
import type { AuditEventJson } from './audit-chain.js';
import type { AuditEventWithNames } from './audit-names.js';
import { csvRow } from './csv.js';

/**
 * CSV columns of the export, with their Japanese headings (`?headers=ja` or `Accept-Language: ja`). Values are the
 * same in both languages (codes stay codes), so a file with either heading recomputes the chain the same way: the
 * hash covers the event's own columns (see canonicalEvent); `atJst` and the name columns are for reading only.
 */
const EVENT_COLUMNS = [
  ['seq', '連番'],
  ['id', 'イベントID'],
  ['at', '日時(UTC)'],
  ['atJst', '日時(日本時間)'],
  ['actorUserId', '操作者ID'],
  ['actorOrganisationId', '操作者の機関ID'],
  ['action', '操作'],
  ['resourceType', '対象種別'],
  ['resourceId', '対象ID'],
  ['recipientId', '支援対象者ID'],
  ['recipientIds', '支援対象者ID一覧'],
  ['outcome', '結果'],
  ['fieldGroups', '項目グループ'],
  ['legalBasis', '法的根拠'],
  ['grantId', 'アクセス権ID'],
  ['ip', 'IPアドレス'],
  ['userAgent', 'ユーザーエージェント'],
  ['requestId', 'リクエストID'],
  ['details', '詳細'],
  ['hash', 'ハッシュ'],
  ['prevHash', '直前のハッシュ'],
] as const;

const NAME_COLUMNS = [
  ['actorDisplayName', '操作者氏名'],
  ['actorLoginId', '操作者ログインID'],
  ['actorOrganisationName', '操作者の機関名'],
  ['recipientCaseNumber', 'ケース番号'],
  ['recipientCaseNumbers', 'ケース番号一覧'],
] as const;

export type CsvLanguage = 'en' | 'ja';

export interface CsvLayout {
  names: boolean;
  language: CsvLanguage;
}

/** The header row. */
export function csvHeader(layout: CsvLayout): string {
  const columns = layout.names ? [...EVENT_COLUMNS, ...NAME_COLUMNS] : EVENT_COLUMNS;
  return csvRow(columns.map(([en, ja]) => (layout.language === 'ja' ? ja : en)));
}

/** One event as a CSV row, in the header's column order. */
export function csvEventRow(event: AuditEventJson | AuditEventWithNames, layout: CsvLayout): string {
  const cells: unknown[] = EVENT_COLUMNS.map(([column]) => (column === 'atJst' ? formatJst(event.at) : event[column]));
  if (layout.names) {
    const names = (event as AuditEventWithNames).names;
    cells.push(
      ...NAME_COLUMNS.map(([column]) =>
        column === 'recipientCaseNumbers' ? names.recipientCaseNumbers?.map((n) => n ?? '-') ?? null : names[column],
      ),
    );
  }
  return csvRow(cells);
}

/** `?headers=` wins; otherwise the first language the client prefers, if it is Japanese. */
export function csvLanguage(requested: CsvLanguage | undefined, acceptLanguage: string | undefined): CsvLanguage {
  if (requested) return requested;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first === 'ja' || first.startsWith('ja-') || first.startsWith('ja;') ? 'ja' : 'en';
}
