export { InvalidPathIdError, type PathIdProblem } from './errors.js';
export {
  PATH_SEGMENT_PATTERN,
  type ParsePathIdOptions,
  PathId,
  type PathIdResult,
  parsePathId,
  pathIdFromSafePath,
  RESERVED_KEYWORDS,
  tryParsePathId,
} from './path-id.js';
