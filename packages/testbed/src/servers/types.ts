/** Where a server of the test bed may put its files. */
export interface StartContext {
  /** A fresh directory for this run's data and logs, removed when the test bed stops. */
  runDir: string;
  /** The git-ignored cache that scripts/setup fills (virtualenv, OpenSearch archive). */
  cacheDir: string;
}

export interface StartedServer<Endpoints> {
  endpoints: Endpoints;
  /** The server's process id; absent for servers that run inside the test-bed process. */
  pid?: number;
  stop(): Promise<void>;
}
