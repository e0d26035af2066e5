/** The current time, injected where a date is derived from it (case opening), so that a test can fix the instant. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
