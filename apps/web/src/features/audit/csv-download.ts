import { API_BASE, ApiError, query } from '../../shared/api/client';
import { session } from '../../shared/session/session';

/**
 * Downloads the CSV of the filtered events (the API streams it with a byte order mark and a JST column). The JSON
 * client cannot carry a file, so this is a plain fetch with the in-memory token, saved through a blob: URL and a
 * temporary link (no inline script, and blob: URLs are same-origin).
 */
export async function downloadAuditCsv(params: Record<string, string>, lang: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/audit-events${query({ ...params, format: 'csv', expand: 'names', headers: lang === 'ja' ? 'ja' : 'en' })}`, {
      headers: { authorization: `Bearer ${session.token() ?? ''}`, accept: 'text/csv' },
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'OFFLINE', 'No connection to the server');
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? res.statusText, body, Number(res.headers.get('retry-after')) || undefined);
  }
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'audit-events.csv';
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
