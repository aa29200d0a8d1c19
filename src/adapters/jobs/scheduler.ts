import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseKind } from '../postgres/database.js';

/** A recurring job: a name, how often, and the work (which must be idempotent). */
export interface RecurringJob {
  readonly name: string;
  readonly everyMs: number;
  run(): Promise<unknown>;
}

export interface SchedulerOptions {
  readonly pool: pg.Pool;
  readonly kind: DatabaseKind;
  readonly logger: Logger;
  readonly jobs: readonly RecurringJob[];
  /** How often to look for due jobs; PGlite has no LISTEN/NOTIFY, so it polls. */
  readonly processEveryMs?: number;
  /** A job locked longer than this belongs to a crashed worker and is run again. */
  readonly lockLifetimeMs?: number;
  /** Finished or failed one-time jobs older than this are deleted. */
  readonly keepFinishedMs?: number;
}

export interface RunningScheduler {
  stop(): Promise<void>;
}

const cleanupJob = 'jobs.cleanup';
const day = 24 * 3_600_000;

/**
 * Deletes one-time jobs that finished or failed more than `keepMs` ago (recurring jobs are one
 * row each and stay), so the jobs table stays small. Returns how many were removed.
 */
export async function cleanFinishedJobs(pool: pg.Pool, keepMs: number): Promise<number> {
  const removed = await pool.query(
    `DELETE FROM agenda_jobs
      WHERE next_run_at IS NULL
        AND COALESCE(last_finished_at, failed_at, created_at) < now() - make_interval(secs => $1::double precision / 1000)`,
    [keepMs],
  );
  return removed.rowCount ?? 0;
}

/**
 * Recurring jobs on agenda with its PostgreSQL backend on our own pool. On PostgreSQL, agenda
 * hears new jobs through LISTEN/NOTIFY; on embedded PGlite (one connection, no LISTEN) it polls
 * with a numeric `processEvery`. Each recurring job is one row (agenda's `every` upserts it), so
 * several workers share the schedule and a job runs on one of them at a time; a worker that dies
 * mid-job leaves a lock that expires after `lockLifetimeMs`, and the job runs again elsewhere,
 * which is safe because every job here is idempotent.
 */
export async function startScheduler(options: SchedulerOptions): Promise<RunningScheduler> {
  const { logger } = options;
  const lockLifetime = options.lockLifetimeMs ?? 60_000;
  const agenda = new Agenda({
    backend: new PostgresBackend({
      pool: options.pool,
      disableNotifications: options.kind === 'pglite',
    }),
    processEvery: options.processEveryMs ?? (options.kind === 'pglite' ? 1_000 : 5_000),
    defaultLockLifetime: lockLifetime,
    removeOnComplete: true,
  });
  agenda.on('error', (err: unknown) => logger.error({ err }, 'scheduler.error'));
  for (const job of options.jobs) {
    agenda.define(
      job.name,
      async () => {
        const started = Date.now();
        const result = await job.run();
        logger.debug({ job: job.name, ms: Date.now() - started, result }, 'scheduler.job_done');
      },
      { concurrency: 1, lockLimit: 1, lockLifetime },
    );
  }
  const keepMs = options.keepFinishedMs ?? 7 * day;
  const clean = async (): Promise<void> => {
    const removed = await cleanFinishedJobs(options.pool, keepMs);
    if (removed > 0) logger.info({ jobs: removed }, 'scheduler.cleaned');
  };
  agenda.define(cleanupJob, clean, { concurrency: 1, lockLifetime });
  await agenda.start();
  await clean();
  for (const job of options.jobs) await agenda.every(job.everyMs, job.name);
  await agenda.every(day / 4, cleanupJob);
  logger.info({ jobs: options.jobs.map((j) => j.name) }, 'scheduler.started');
  return {
    async stop() {
      await agenda.stop();
    },
  };
}
