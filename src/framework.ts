/**
 * The one module that names the CDK framework. Every other file imports the framework from here, so the
 * cdktf 0.21 package and its CDK Terrain (cdktn) flavour differ in this file alone: `tooling/flavour.ts`
 * rewrites its compiled output to `cdktn`, and checks that nothing else in `lib/` requires `cdktf`.
 */
export {
  Annotations,
  App,
  Fn,
  IResolvable,
  IStackSynthesizer,
  ISynthesisSession,
  ITerraformDependable,
  Lazy,
  LocalBackend,
  NamedRemoteWorkspace,
  PgBackend,
  PgBackendConfig,
  RemoteBackend,
  S3Backend,
  S3BackendConfig,
  TerraformDataSource,
  TerraformLocal,
  TerraformMetaArguments,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from 'cdktf';
