/**
 * A WHERE clause built from optional filters, every value a bound parameter (`$n`), never text
 * pasted into the SQL. The queues, the credit checks and the audit trail filter this way.
 */
export class WhereClause {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** binds a value; returns its placeholder */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** a condition whose one `?` is bound to `value` */
  add(sql: string, value: unknown): this {
    this.conditions.push(sql.replace('?', this.param(value)));
    return this;
  }

  /** a condition already written with this clause's placeholders */
  addRaw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }

  /** `WHERE a AND b`, or nothing without conditions */
  toString(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
