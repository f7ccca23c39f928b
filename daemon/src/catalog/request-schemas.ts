/** The bodies of Cosmos's requests (rpc.v1.model.*Request), as TypeBox schemas. */
import { type Static, Type } from 'typebox';

const Options = Type.Record(Type.String(), Type.Unknown());

export const SearchRequest = Type.Object({ query: Type.Optional(Type.String()) });
export const DescribeRequest = Type.Object({
  packageName: Type.String({ minLength: 1 }),
  packageVersion: Type.Optional(Type.String()),
});
export const ListVersionsRequest = Type.Object({
  packageName: Type.String({ minLength: 1 }),
  includePackageVersions: Type.Optional(Type.Boolean()),
});
export const RenderRequest = Type.Object({
  packageName: Type.String({ minLength: 1 }),
  packageVersion: Type.Optional(Type.String()),
  options: Type.Optional(Options),
  appId: Type.Optional(Type.String({ minLength: 1 })),
});
export const InstallRequest = RenderRequest;
export const UninstallRequest = Type.Object({
  packageName: Type.String({ minLength: 1 }),
  appId: Type.Optional(Type.String({ minLength: 1 })),
  all: Type.Optional(Type.Boolean()),
});
export const ListRequest = Type.Object({
  packageName: Type.Optional(Type.String()),
  appId: Type.Optional(Type.String()),
});
export const RepositoryListRequest = Type.Object({});
export const RepositoryAddRequest = Type.Object({
  name: Type.String({ minLength: 1 }),
  uri: Type.String({ minLength: 1 }),
  index: Type.Optional(Type.Integer()),
});
export const RepositoryDeleteRequest = Type.Object({
  name: Type.Optional(Type.String()),
  uri: Type.Optional(Type.String()),
});

export type RenderRequest = Static<typeof RenderRequest>;
