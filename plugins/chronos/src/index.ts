export * from './errors.js';
export * from './iso8601-period.js';
export * from './iso8601-schedule.js';
export * from './time-zone.js';
