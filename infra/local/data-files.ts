// What the local runtime keeps in its data directory ($DATA_DIR, default .data/), by name.
export const DATA_FILES = {
  /** The embedded store (dynalite's LevelDB files). */
  dynamodb: "dynamodb",
  /** The queues and dead-letter queues: an append-only journal (queue-journal.ts). */
  queues: "queues.journal",
  /** The local clock's offset and the last time it showed (a restart never goes back). */
  clock: "clock.json",
  /** While running: its URL and pid, for the CLIs (redrive). */
  runtime: "runtime.json",
} as const;
