/**
 * Sensor names in the order they were first seen, with their positions: the registry and the anomaly
 * windows keep one per machine, the store's rollups one per minute aggregated. A device lists its
 * metrics in the same order in every message, so a loop over a reading's metrics tries the position
 * after the previous sensor first and looks the map up only when the order changes.
 */
export class FirstSeenOrder {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  /** The name's position, trying `guess` first; -1 for a name not seen yet. */
  find(name: string, guess: number): number {
    return this.names[guess] === name ? guess : (this.index.get(name) ?? -1);
  }

  /** Appends a name not seen yet; returns its position. */
  add(name: string): number {
    const k = this.names.length;
    this.names.push(name);
    this.index.set(name, k);
    return k;
  }
}
