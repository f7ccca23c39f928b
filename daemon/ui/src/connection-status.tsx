import type { Connection } from './live-socket';

/** Live or not: shown in the navigation so a stale screen is never taken for a live one. */
export function ConnectionStatus({ connection }: { connection: Connection }) {
  if (connection.connected) {
    return (
      <span class="connection live" data-testid="connection" data-connected="true">
        ● live
      </span>
    );
  }
  return (
    <span
      class="connection down"
      role="status"
      data-testid="connection"
      data-connected="false"
      title={connection.error ?? ''}
    >
      ● disconnected, reconnecting{connection.error ? ` (${connection.error})` : '…'}
    </span>
  );
}
