/** Events per second over the last whole second: cheap enough to mark once per message. */
export class RateMeter {
  private second = 0;
  private current = 0;
  private previous = 0;

  mark(now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.second) this.roll(second);
    this.current++;
  }

  /** The count of the last completed second, 0 when it was not the one just before `now`. */
  perSecond(now: number): number {
    const second = Math.floor(now / 1000);
    if (second !== this.second) this.roll(second);
    return this.previous;
  }

  private roll(second: number): void {
    this.previous = second === this.second + 1 ? this.current : 0;
    this.second = second;
    this.current = 0;
  }
}
