// Command terraform-provider-iotflow serves the iotflow provider (plugin
// protocol 6). Its registry address and version come from registry.json,
// the single source shared with the TypeScript side.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/provider"
)

//go:embed registry.json
var registryJSON []byte

type registryInfo struct {
	Hostname  string `json:"hostname"`
	Namespace string `json:"namespace"`
	Type      string `json:"type"`
	Version   string `json:"version"`
}

func (r registryInfo) address() string { return r.Hostname + "/" + r.Namespace + "/" + r.Type }

func parseRegistry(b []byte) (registryInfo, error) {
	var r registryInfo
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.Hostname == "" || r.Namespace == "" || r.Type == "" || r.Version == "" {
		return r, errors.New("hostname, namespace, type and version are all required")
	}
	return r, nil
}

// quietLogs turns the terraform-plugin-log levels of the SDK, the protocol,
// the framework and the provider's own lines (TF_LOG_PROVIDER_<TYPE>) off,
// unless the user asked for logs with any TF_LOG* variable; then the plugin
// libraries' defaults stand, so TF_LOG=DEBUG still shows the provider's lines.
// Unset, they default to TRACE: every line is formatted (with its caller)
// into a pipe OpenTofu parses only to drop it, a third of the provider's CPU.
func quietLogs(environ []string, providerType string, setenv func(key, value string) error) error {
	for _, kv := range environ {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_LOG") && v != "" {
			return nil
		}
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_" + strings.ToUpper(providerType)} {
		if err := setenv(k, "OFF"); err != nil {
			return err
		}
	}
	return nil
}

// gcPercent trades memory for CPU: at Go's default (100) garbage collection
// is a fifth of the provider's CPU in a large apply. 400, measured on an apply
// of 300: the apply process's CPU x0.68, its peak memory 70 -> 129 MB (see
// bench/README.md). GOGC, when set, wins.
const gcPercent = 400

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// CPUProfileDirEnv names a folder where each provider process writes a CPU
// profile, provider-<pid>.pprof (the bench's profile mode; OpenTofu's own is
// TOFU_CPU_PROFILE).
const CPUProfileDirEnv = "IOTFLOW_CPU_PROFILE_DIR"

// cpuProfile starts a CPU profile in dir ("" = none); stop writes it.
func cpuProfile(dir string) (stop func(), err error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("provider-%d.pprof", os.Getpid())))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	reg, err := parseRegistry(registryJSON)
	if err != nil {
		log.Fatalf("embedded registry.json: %v", err)
	}
	if err := quietLogs(os.Environ(), reg.Type, os.Setenv); err != nil {
		log.Fatalf("setting log levels: %v", err)
	}
	tuneGC(os.Getenv)
	stopProfile, err := cpuProfile(os.Getenv(CPUProfileDirEnv))
	if err != nil {
		log.Fatalf("%s: %v", CPUProfileDirEnv, err)
	}
	err = providerserver.Serve(context.Background(), provider.New(reg.Version), providerserver.ServeOpts{
		Address:         reg.address(),
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}
