// SQLITE_BUSY: a lock held by another connection (here: the checkpointer thread's, or another process's).

/** Whether a node:sqlite error is SQLITE_BUSY or one of its extended codes. */
export const isBusy = (err: unknown): boolean => ((err as { errcode?: number } | null)?.errcode ?? 0) % 256 === 5;
