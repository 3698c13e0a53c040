/** How the provider's suites run the Go tools: the machine's Go only, no VCS stamp, no cgo. */
import * as path from 'node:path';

export const PROVIDER_DIR = path.resolve(__dirname, '../../provider');
export const GO_ENV = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' };
/** The one Go test that needs the engine (IOTFLOW_TOFU), as a `go test -run`/`-skip` pattern. */
export const TOFU_SMOKE = '^TestTofuSmoke$';
