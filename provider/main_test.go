package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"testing"
)

func TestEmbeddedRegistry(t *testing.T) {
	r, err := parseRegistry(registryJSON)
	if err != nil {
		t.Fatal(err)
	}
	if r.address() != "registry.opentofu.org/thingpark-qubitro/iotflow" || r.Version == "" {
		t.Fatalf("address %q version %q", r.address(), r.Version)
	}
	if _, err := parseRegistry([]byte(`{"hostname":"h"}`)); err == nil {
		t.Fatal("incomplete registry.json must be rejected")
	}
}

func setenvInto(m map[string]string) func(string, string) error {
	return func(k, v string) error { m[k] = v; return nil }
}

func TestLogLevelsAreOffWhenNoTFLogVariableIsSet(t *testing.T) {
	set := map[string]string{}
	if err := quietLogs([]string{"HOME=/root", "TF_LOG="}, "iotflow", setenvInto(set)); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_IOTFLOW": "OFF"}
	if !reflect.DeepEqual(set, want) {
		t.Fatalf("set %v, want %v", set, want)
	}
}

func TestLogLevelsAreLeftAloneWhenTheUserAsksForLogs(t *testing.T) {
	for _, kv := range []string{"TF_LOG=DEBUG", "TF_LOG_PROVIDER=TRACE", "TF_LOG_SDK_FRAMEWORK=INFO"} {
		set := map[string]string{}
		if err := quietLogs([]string{kv}, "iotflow", setenvInto(set)); err != nil {
			t.Fatal(err)
		}
		if len(set) != 0 {
			t.Fatalf("with %s the provider set %v", kv, set)
		}
	}
}

func TestGarbageCollectionIsTunedUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Fatalf("GC percent %d without GOGC, want %d", got, gcPercent)
	}
	tuneGC(func(string) string { return "50" })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d with GOGC set, want it untouched (100)", got)
	}
}

func TestACPUProfileIsWrittenIntoTheFolderWhenAsked(t *testing.T) {
	dir := t.TempDir()
	stop, err := cpuProfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("provider-%d.pprof", os.Getpid())))
	if err != nil || len(b) == 0 {
		t.Fatalf("profile %d bytes, %v", len(b), err)
	}
}
