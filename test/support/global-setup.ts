import { stopStartedDockerEngine } from './real-services.js';

/** Whatever the test run started that outlives a single test file is stopped here. */
export default function setup(): () => Promise<void> {
  return async () => {
    await stopStartedDockerEngine();
  };
}
