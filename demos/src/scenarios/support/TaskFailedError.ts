import { SlipstreamError } from '@slipstream/contracts';

/** A Sarah task was reported on `sarah.task.failed`. */
export class TaskFailedError extends SlipstreamError {
  static override readonly code = 'SLIP_ERR_TASK_FAILED';

  constructor(readonly taskId: string) {
    super(`task ${taskId} failed`);
  }
}
