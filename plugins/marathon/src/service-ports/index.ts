export { type Backend, type Pick, pickBackend } from './backend-picker.js';
export {
  type AssignServicePortsRequest,
  assignServicePorts,
  DEFAULT_SERVICE_PORT_RANGE,
  type ServicePortRange,
} from './service-port-allocator.js';
export {
  PortRangeExhaustedError,
  ServicePortConflictError,
  ServicePortInUseError,
} from './service-port-errors.js';
export {
  type InstanceEndpoints,
  ServicePortManager,
  type ServicePortManagerOptions,
} from './service-port-manager.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  type DrainOutcome,
  type ServicePortLog,
  ServicePortProxy,
  type ServicePortProxyOptions,
} from './service-port-proxy.js';
