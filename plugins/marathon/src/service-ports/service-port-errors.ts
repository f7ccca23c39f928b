/*
 * The service-port errors. They belong with the plugin's other errors in ../errors.ts;
 * they live here until that module can take them, spelled the same way (a static code,
 * an HTTP status, a message that says what to do).
 */

/**
 * No free service port is left in the range. The message is Marathon's
 * (PortRangeExhaustedException), and Marathon answers it with 500.
 */
export class PortRangeExhaustedError extends Error {
  static readonly code = 'MESOLITE_ERR_PORT_RANGE_EXHAUSTED';
  readonly code = PortRangeExhaustedError.code;
  readonly statusCode = 500;
  readonly minPort: number;
  readonly maxPort: number;

  constructor(minPort: number, maxPort: number) {
    super(`All ports in the range [${minPort}-${maxPort}) are already in use`);
    this.name = 'PortRangeExhaustedError';
    this.minPort = minPort;
    this.maxPort = maxPort;
  }
}

/** A service port's proxy could not listen because something else holds the address. */
export class ServicePortInUseError extends Error {
  static readonly code = 'MESOLITE_ERR_SERVICE_PORT_IN_USE';
  readonly code = ServicePortInUseError.code;
  readonly statusCode = 409;
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, options?: ErrorOptions) {
    super(
      `Cannot serve service port ${port} on ${host}: another process is listening there. ` +
        'Stop that process or give the app a different servicePort.',
      options,
    );
    this.name = 'ServicePortInUseError';
    this.host = host;
    this.port = port;
  }
}

/** Two apps claim the same service port; only one proxy can serve it. */
export class ServicePortConflictError extends Error {
  static readonly code = 'MESOLITE_ERR_SERVICE_PORT_CONFLICT';
  readonly code = ServicePortConflictError.code;
  readonly statusCode = 409;
  readonly port: number;
  readonly owner: string;
  readonly claimant: string;

  constructor(port: number, owner: string, claimant: string) {
    super(
      `Service port ${port} of app ${claimant} is already served for app ${owner}. ` +
        'Give one of them another servicePort, or 0 to have one assigned.',
    );
    this.name = 'ServicePortConflictError';
    this.port = port;
    this.owner = owner;
    this.claimant = claimant;
  }
}
