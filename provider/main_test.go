package main

import "testing"

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
