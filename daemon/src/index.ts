export { type DaemonOptions, resolveDaemonOptions } from './config/daemon-options.js';
export { type DaemonTuning, type RunningDaemon, startDaemon } from './daemon.js';
export { defineError, MesoliteError } from './errors.js';
export { createLogger, type Logger } from './logger.js';
