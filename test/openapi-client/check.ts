// A partner agency's program against the client types that openapi-typescript generates from /api/docs.json.
// It only has to compile (npm run client:check): every answer it reads must be typed, not `unknown`, and the
// `@ts-expect-error` lines prove that a wrong property or value is refused, so the typing is real.
import type { components, paths } from '../../dist/openapi.js';

type Schemas = components['schemas'];

/** true when A and B are the same type (not merely assignable to each other). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

type Get<P extends keyof paths> = paths[P] extends { get: infer O } ? O : never;
type JsonOf<O, Status extends number> = O extends { responses: { [S in Status]: { content: { 'application/json': infer B } } } }
  ? B
  : never;

// GET /recipients/{id}: the fields of a group are optional (a group the caller may not read is absent), the rest is not.
type Recipient = JsonOf<Get<'/api/v1/recipients/{id}'>, 200>;
assertType<Equals<Recipient, Schemas['RecipientResponse']>>();
assertType<Equals<Pick<Recipient, 'familyName'>, { familyName?: string }>>();
assertType<Equals<Pick<Recipient, 'familyNameKana'>, { familyNameKana?: string | null }>>();
assertType<Equals<Recipient['version'], number>>();
assertType<Equals<Recipient['access']['fieldGroups'][number], 'basic' | 'contact' | 'care' | 'disability' | 'assistance' | 'health'>>();
assertType<Equals<NonNullable<Recipient['emergencyContacts']>[number]['name'], string>>();

// Lists are { items, nextCursor } with typed items.
type RecipientPage = JsonOf<Get<'/api/v1/recipients'>, 200>;
assertType<Equals<RecipientPage['items'][number], Recipient>>();
assertType<Equals<RecipientPage['nextCursor'], string | null>>();

// Errors have the one error shape; a 412 also carries the current version.
type NotFound = JsonOf<Get<'/api/v1/recipients/{id}'>, 404>;
assertType<Equals<NotFound, Schemas['ErrorResponse']>>();
assertType<Equals<NotFound['requestId'], string>>();
type Patch = paths['/api/v1/recipients/{id}']['patch'];
assertType<Equals<JsonOf<Patch, 412>['version'], number>>();
assertType<Equals<Patch['requestBody'], { content: { 'application/json': Schemas['RecipientBodyDto'] } }>>();

// The audit log answers JSON or CSV.
type AuditOk = Get<'/api/v1/audit-events'>['responses'][200]['content'];
assertType<Equals<AuditOk['text/csv'], string>>();
assertType<Equals<AuditOk['application/json']['items'][number]['outcome'], 'allowed' | 'denied' | 'error'>>();

// Log in, then read a recipient, as a client would write it.
type Login = paths['/api/v1/auth/login']['post'];
type LoginBody = Login['requestBody']['content']['application/json'];
type LoginOk = JsonOf<Login, 200>;

interface Transport {
  (method: string, path: string, init: { token?: string; body?: unknown }): Promise<{ status: number; json(): Promise<unknown> }>;
}

async function caseNumberOf(transport: Transport, credentials: LoginBody, id: string): Promise<string | undefined> {
  const login = await transport('POST', '/api/v1/auth/login', { body: credentials });
  if (login.status === 429) {
    const throttled = (await login.json()) as JsonOf<Login, 429>;
    return throttled.code;
  }
  const { accessToken, user } = (await login.json()) as LoginOk;
  const role: 'caseworker' | 'org_admin' | 'auditor' | 'system_admin' = user.role;
  void role;
  const answer = await transport('GET', `/api/v1/recipients/${id}`, { token: accessToken });
  if (answer.status !== 200) {
    const error = (await answer.json()) as NotFound;
    // @ts-expect-error a code that is not one of the API's error codes
    const wrong: NotFound['code'] = 'NOT_A_CODE';
    void wrong;
    return error.message;
  }
  const recipient = (await answer.json()) as Recipient;
  // @ts-expect-error misspelt property: the body is typed, not unknown
  void recipient.familyname;
  // @ts-expect-error a field of a group may be absent: it is not a plain string
  const name: string = recipient.familyName;
  void name;
  // @ts-expect-error sex is one of its values only
  recipient.sex = 'none';
  return recipient.caseNumber;
}

void caseNumberOf;
