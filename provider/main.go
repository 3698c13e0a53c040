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
	"log"

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

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve")
	flag.Parse()

	reg, err := parseRegistry(registryJSON)
	if err != nil {
		log.Fatalf("embedded registry.json: %v", err)
	}
	err = providerserver.Serve(context.Background(), provider.New(reg.Version), providerserver.ServeOpts{
		Address:         reg.address(),
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
