import { ApiError } from '../../src/emulator/api-status.js';

/** The ApiError a write that must be refused throws; fails when the write goes through. */
export function refusal(write: () => unknown): ApiError {
  try {
    write();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the write to be refused');
}
