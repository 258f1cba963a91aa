/** One conformance check's verdict. `skipped` checks passed vacuously (nothing to test). */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
  readonly skipped?: boolean;
}

export interface CheckReport {
  /** The checked env's id. */
  readonly envId: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** What a check function returns; the runner adds the check's name. */
export type CheckOutcome = Omit<CheckResult, 'name'>;

export interface Check<Ctx> {
  readonly name: string;
  run(ctx: Ctx): CheckOutcome;
}

export const pass = (detail?: string): CheckOutcome => (detail === undefined ? { ok: true } : { ok: true, detail });
export const fail = (detail: string): CheckOutcome => ({ ok: false, detail });
export const skip = (why: string): CheckOutcome => ({ ok: true, skipped: true, detail: why });

/** Passes when there are no problems; otherwise fails naming the first few. */
export function verdict(problems: readonly string[], passDetail?: string, shown = 3): CheckOutcome {
  if (problems.length === 0) return pass(passDetail);
  const more = problems.length > shown ? ` (and ${problems.length - shown} more)` : '';
  return fail(problems.slice(0, shown).join('; ') + more);
}

export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs every check in order; a check that throws fails with the error as its detail. */
export function runChecks<Ctx>(envId: string, checks: readonly Check<Ctx>[], ctx: Ctx): CheckReport {
  const results: CheckResult[] = checks.map((check) => {
    let outcome: CheckOutcome;
    try {
      outcome = check.run(ctx);
    } catch (e) {
      outcome = fail(`the check threw ${describeError(e)}`);
    }
    return { name: check.name, ...outcome };
  });
  return { envId, ok: results.every((r) => r.ok), checks: results };
}

/** Thrown by `assertConforms`: lists every failed check with its detail. */
export class EnvCheckError extends Error {
  override readonly name = 'EnvCheckError';
  constructor(readonly report: CheckReport) {
    const failed = report.checks.filter((c) => !c.ok);
    super(
      `${report.envId} failed ${failed.length} conformance check(s): ${failed.map((c) => `"${c.name}"`).join(', ')}\n` +
        failed.map((c) => `  - ${c.name}: ${c.detail ?? ''}`).join('\n'),
    );
  }
}

/** Throws an EnvCheckError naming all failed checks, or returns the report. */
export function assertConforms(report: CheckReport): CheckReport {
  if (!report.ok) throw new EnvCheckError(report);
  return report;
}

/** The names of the failed checks, for tests and summaries. */
export function failedChecks(report: CheckReport): string[] {
  return report.checks.filter((c) => !c.ok).map((c) => c.name);
}
