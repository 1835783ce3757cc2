/** How one promise settled, counted so that a second settlement would show. */
export interface SettleRecord {
  resolved: number;
  rejected: number;
  value?: unknown;
  error?: unknown;
}

/** Attaches handlers to `promise` that count its settlements into the returned record. */
export function track(promise: Promise<unknown>): SettleRecord {
  const record: SettleRecord = { resolved: 0, rejected: 0 };
  promise.then(
    (value) => {
      record.resolved += 1;
      record.value = value;
    },
    (error: unknown) => {
      record.rejected += 1;
      record.error = error;
    },
  );
  return record;
}
