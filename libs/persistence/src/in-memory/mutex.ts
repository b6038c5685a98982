/** A lock held by one owner at a time; waiters get it in arrival order. */
export class Mutex {
  private owner: symbol | undefined;
  private readonly waiting: { owner: symbol; grant: () => void }[] = [];

  get held(): boolean {
    return this.owner !== undefined;
  }

  acquire(owner: symbol): Promise<void> {
    if (this.tryAcquire(owner)) return Promise.resolve();
    return new Promise((grant) => this.waiting.push({ owner, grant }));
  }

  tryAcquire(owner: symbol): boolean {
    if (this.owner === owner) return true;
    if (this.owner !== undefined) return false;
    this.owner = owner;
    return true;
  }

  release(owner: symbol): void {
    if (this.owner !== owner) return;
    const next = this.waiting.shift();
    this.owner = next?.owner;
    next?.grant();
  }
}
