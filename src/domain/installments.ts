import { addDays, addMonths, type LocalDate } from './dates.js';
import { minor, type Minor } from './money.js';

/**
 * Splits `total` minor units into `count` installments that sum exactly to the total. The
 * remainder of the integer division goes one unit at a time to the earliest installments, so
 * no installment differs from another by more than one minor unit.
 */
export function splitEvenly(total: Minor, count: number): Minor[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError('installment count must be a positive integer');
  if (total < 0) throw new RangeError('cannot split a negative amount');
  const base = Math.floor(total / count);
  const remainder = total - base * count;
  return Array.from({ length: count }, (_, i) => minor(base + (i < remainder ? 1 : 0)));
}

/**
 * Splits a total into a down payment followed by `count` even installments. The down payment is
 * taken as given; the rest is split evenly.
 */
export function splitWithDownPayment(total: Minor, downPayment: Minor, count: number): Minor[] {
  if (downPayment < 0 || downPayment > total)
    throw new RangeError('down payment must be between 0 and the total');
  return [downPayment, ...splitEvenly(minor(total - downPayment), count)];
}

export type InstallmentFrequency = 'weekly' | 'biweekly' | 'monthly';

/** The due dates of `count` installments starting on `first`, one per period. */
export function installmentDates(
  first: LocalDate,
  count: number,
  frequency: InstallmentFrequency,
): LocalDate[] {
  return Array.from({ length: count }, (_, i) => {
    switch (frequency) {
      case 'weekly':
        return addDays(first, 7 * i);
      case 'biweekly':
        return addDays(first, 14 * i);
      case 'monthly':
        return addMonths(first, i);
    }
  });
}

export interface ScheduledInstallment {
  readonly seq: number;
  readonly amount: Minor;
  readonly dueDate: LocalDate;
}

/** An even schedule: amounts from {@link splitEvenly}, dates from {@link installmentDates}. */
export function evenSchedule(
  total: Minor,
  count: number,
  first: LocalDate,
  frequency: InstallmentFrequency,
): ScheduledInstallment[] {
  const amounts = splitEvenly(total, count);
  const dates = installmentDates(first, count, frequency);
  return amounts.map((amount, i) => ({ seq: i + 1, amount, dueDate: dates[i] as LocalDate }));
}
