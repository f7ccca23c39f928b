export * from './launch-plan.js';
