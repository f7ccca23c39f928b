import { randomUUID } from 'node:crypto';

/**
 * Ids shaped as Mesos shapes them: a framework is `<master id>-<NNNN>`, an agent
 * `<master id>-S<n>`, an offer `<master id>-O<n>`, so logs and tools that parse
 * them keep working. The master id is a fresh UUID per master start, as in Mesos.
 */
export class IdGenerator {
  readonly masterId: string;
  private frameworks = 0;
  private agents = 0;
  private offers = 0;

  constructor(masterId: string = randomUUID()) {
    this.masterId = masterId;
  }

  framework(): string {
    return `${this.masterId}-${String(this.frameworks++).padStart(4, '0')}`;
  }

  agent(): string {
    return `${this.masterId}-S${this.agents++}`;
  }

  offer(): string {
    return `${this.masterId}-O${this.offers++}`;
  }

  streamId(): string {
    return randomUUID();
  }
}
