/** Sends a message to the bench over the worker's IPC channel, resolved once it is written. */
export function tellBench(message: unknown): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a bench worker runs with an IPC channel to the bench');
  return new Promise((resolve, reject) => send(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}
