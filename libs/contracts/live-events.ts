// Live updates (shared/API.md "Live updates"): the Socket.IO namespace, its events and their shapes,
// shared by the server and the web app so that a misspelt event name does not compile.

export const LIVE_NAMESPACE = '/live';
export const LIVE_PATH = '/socket.io';

/** Fields every server → client event about a recipient carries. */
export interface LiveEnvelope {
  /** Per-deployment, strictly increasing. */
  seq: number;
  recipientId: string;
  at: string;
  actorOrganisationId: string | null;
}

export interface LiveGrantSummary {
  id: string;
  recipientId: string;
  granteeOrganisationId: string;
  fieldGroups: string[];
  permissions: string[];
  legalBasis: string;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
}

export interface LiveServerEvents {
  'recipient.updated': (event: LiveEnvelope & { version: number; changedFields: string[] }) => void;
  'note.created': (event: LiveEnvelope & { note: Record<string, unknown> }) => void;
  'note.updated': (event: LiveEnvelope & { note: Record<string, unknown> }) => void;
  'grant.created': (event: LiveEnvelope & { grant: LiveGrantSummary }) => void;
  'grant.revoked': (event: LiveEnvelope & { grant: LiveGrantSummary }) => void;
  /** The receiver's organisation lost access: nothing more about this recipient follows. */
  'access.revoked': (event: { recipientId: string }) => void;
}

export type LiveAckCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'REPLAY_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'UNAUTHORIZED'
  | 'INTERNAL_ERROR';

export type LiveAck<T extends object = object> = ({ ok: true } & T) | { ok: false; code: LiveAckCode; message?: string };

export interface LiveClientEvents {
  subscribe: (payload: { recipientId: string; sinceSeq?: number }, ack: (answer: LiveAck<{ seq: number }>) => void) => void;
  unsubscribe: (payload: { recipientId: string }, ack: (answer: LiveAck) => void) => void;
  'auth.renew': (payload: { token: string }, ack: (answer: LiveAck<{ expiresAt: string }>) => void) => void;
}

/** Event types stored in the event table. */
export const LIVE_EVENT_TYPES = [
  'recipient.updated',
  'note.created',
  'note.updated',
  'grant.created',
  'grant.revoked',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];
