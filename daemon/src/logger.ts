import { type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr, so stdout stays for what the CLI prints to users. */
export function createLogger(level: string, name = 'mesolite'): Logger {
  return pino({ name, level }, pino.destination(2));
}
