/**
 * A set of callbacks in which one failing callback cannot stop the others, nor reach the MQTT
 * message handler that called it (a throw there would take the connection down).
 */
export class Listeners<Args extends unknown[]> {
  private readonly set = new Set<(...args: Args) => void>();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Returns the function that removes the listener. */
  add(listener: (...args: Args) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(...args: Args): void {
    for (const listener of this.set) {
      try {
        listener(...args);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
