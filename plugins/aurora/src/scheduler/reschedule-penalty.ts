/**
 * How long a rescheduled task waits, as Aurora's RescheduleCalculator decides: a task
 * that ran for less than flapping_task_threshold (or never ran) "flapped", and its
 * successor waits initial_flapping_task_delay, doubling with every further flap up to
 * max_flapping_task_delay. A task that ran long enough is replaced at once.
 */
import type { TaskRecord } from '../state/records.js';

export interface PenaltySettings {
  /** -flapping_task_threshold (Aurora: 5 minutes). */
  readonly flappingThresholdMs: number;
  /** -initial_flapping_task_delay (Aurora: 30 seconds). */
  readonly initialFlappingDelayMs: number;
  /** -max_flapping_task_delay (Aurora: 5 minutes). */
  readonly maxFlappingDelayMs: number;
}

export const AURORA_PENALTIES: PenaltySettings = {
  flappingThresholdMs: 5 * 60_000,
  initialFlappingDelayMs: 30_000,
  maxFlappingDelayMs: 5 * 60_000,
};

/** The penalty of the task that replaces `ended`. */
export function reschedulePenalty(ended: TaskRecord, settings: PenaltySettings): number {
  const ran =
    ended.startedAt === undefined || ended.endedAt === undefined
      ? 0
      : ended.endedAt - ended.startedAt;
  if (ran >= settings.flappingThresholdMs) return 0;
  return Math.min(
    Math.max(settings.initialFlappingDelayMs, ended.penaltyMs * 2),
    settings.maxFlappingDelayMs,
  );
}
