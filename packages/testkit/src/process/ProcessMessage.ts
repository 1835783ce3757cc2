/** What a spawned upstream process tells its parent over IPC. */
export type ProcessMessage =
  { type: 'ready'; port: number; adminPort: number; seed: number } | { type: 'failed'; message: string };
