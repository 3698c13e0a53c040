// Package facts holds the IoT Flow API facts that the provider and the
// TypeScript side (src/wire-format.ts, the emulator) both need, read from
// facts.json: the one copy of each, embedded at build time.
package facts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

//go:embed facts.json
var factsJSON []byte

type apiFacts struct {
	// TokenPath is the OAuth2 token endpoint, relative to the origin of the base URL.
	TokenPath string `json:"tokenPath"`
	// Mask is what the API returns in place of a secret on every read.
	Mask string `json:"mask"`
	// CredentialHeaders: a header is a credential (read back masked) when its name, in lower case without
	// - and _, is one of Names or contains one of Containing.
	CredentialHeaders struct {
		Names      []string `json:"names"`
		Containing []string `json:"containing"`
	} `json:"credentialHeaders"`
	// ConfigurationDefaults are the configuration fields a read adds when they
	// were not sent, with the value it adds (decoded as JSON, numbers exact).
	ConfigurationDefaults map[string]any `json:"configurationDefaults"`
}

// loaded is parsed once from the embedded file and never written again.
var loaded = mustParse(factsJSON)

func parse(b []byte) (apiFacts, error) {
	var f apiFacts
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return f, fmt.Errorf("facts.json: %w", err)
	}
	if f.TokenPath == "" || f.Mask == "" || len(f.ConfigurationDefaults) == 0 || len(f.CredentialHeaders.Names) == 0 {
		return f, errors.New("facts.json: tokenPath, mask, credentialHeaders and configurationDefaults are all required")
	}
	return f, nil
}

func mustParse(b []byte) apiFacts {
	f, err := parse(b)
	if err != nil {
		panic(err)
	}
	return f
}

// TokenPath is the OAuth2 token endpoint, appended to scheme://host[:port] of
// the base URL when no token URL is configured (ThingPark X's Keycloak realm).
func TokenPath() string { return loaded.TokenPath }

// Mask is what the API returns in place of a secret on every read.
func Mask() string { return loaded.Mask }

// IsCredentialHeader says whether the API masks a header of this name on reads (case, - and _ ignored).
func IsCredentialHeader(name string) bool {
	key := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))
	if slices.Contains(loaded.CredentialHeaders.Names, key) {
		return true
	}
	for _, part := range loaded.CredentialHeaders.Containing {
		if strings.Contains(key, part) {
			return true
		}
	}
	return false
}

// ConfigurationDefault is the value a read adds for the configuration field
// key when it was not sent, as decoded JSON (json.Number for numbers).
func ConfigurationDefault(key string) (any, bool) {
	v, ok := loaded.ConfigurationDefaults[key]
	return v, ok
}

// ConfigurationDefaults is a copy of every configuration default.
func ConfigurationDefaults() map[string]any { return maps.Clone(loaded.ConfigurationDefaults) }
