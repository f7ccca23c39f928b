/**
 * Errors the Zombies Tracker raises on purpose, each with a stable code (MESOLITE_ERR_*)
 * and a message naming the setting to fix.
 */
export class InvalidWorldError extends Error {
  static readonly code = 'MESOLITE_ERR_INVALID_WORLD';
  readonly code = InvalidWorldError.code;
  readonly setting: string;

  constructor(setting: string, problem: string) {
    super(`Invalid Zombies Tracker world: ${setting} ${problem}.`);
    this.name = 'InvalidWorldError';
    this.setting = setting;
  }
}
