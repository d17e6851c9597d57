// Owners a live lookup found absent. An absent uid never comes back (the server assigns uids), so one lookup can
// answer for every dependent of the same owner; the oldest entries give way once the cache is full.
const DEFAULT_SIZE = 500;

export class AbsentOwners {
  private readonly keys = new Set<string>();
  private readonly size: number;

  constructor(size = DEFAULT_SIZE) {
    this.size = size;
  }

  has(key: string): boolean {
    if (!this.keys.has(key)) return false;
    // Recently used entries move to the back so the busiest stay.
    this.keys.delete(key);
    this.keys.add(key);
    return true;
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.size) this.keys.delete(this.keys.values().next().value!);
  }
}
