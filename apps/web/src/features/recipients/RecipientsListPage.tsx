export function RecipientsListPage() {
  return <h1 className="text-2xl font-bold">…</h1>;
}
