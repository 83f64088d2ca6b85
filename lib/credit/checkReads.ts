/**
 * A field a credit check read for a subject through `@requires`, as the platform reports it to the
 * gateway for the audit ledger (gateway/useCreditCheckReads.ts): one entry per (subject, field,
 * check), recorded as if the consumer had selected the field.
 */
export interface CheckRead {
  checkId: string;
  subject: string;
  /** schema coordinate, e.g. DishonestDebtorRecord.caseNumber */
  field: string;
  decision: 'GRANTED' | 'DENIED';
  /** the refusal code of a DENIED read */
  code: string | null;
}

/** Response extension carrying a request's credit-check reads from the platform to the gateway. */
export const CREDIT_CHECK_READS_EXTENSION = 'creditCheckReads';
