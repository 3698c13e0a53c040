package facts

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

// The values src/wire-format.ts reads from the same file (test/src/wire-format.test.ts checks that side).
func TestTheEmbeddedFactsLoadWithTheirDocumentedValues(t *testing.T) {
	if TokenPath() != "/users-auth/protocol/openid-connect/token" {
		t.Errorf("TokenPath() = %q", TokenPath())
	}
	if Mask() != "*****" {
		t.Errorf("Mask() = %q", Mask())
	}
	want := map[string]any{
		"createDevices": true, "sendMetadata": false, "sendRawDecodedFormat": false,
		"downlinkEnabled": true, "reconnectStrategy": "NORMAL",
	}
	if got := ConfigurationDefaults(); !reflect.DeepEqual(got, want) {
		t.Errorf("ConfigurationDefaults() = %v, want %v", got, want)
	}
}

func TestTheEmbeddedBytesAreTheFileOnDisk(t *testing.T) {
	disk, err := os.ReadFile("facts.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(disk) != string(factsJSON) {
		t.Fatal("the embedded facts differ from facts.json")
	}
}

func TestAChangedCopyOfTheDefaultsLeavesTheFactsAlone(t *testing.T) {
	ConfigurationDefaults()["createDevices"] = false
	if v, _ := ConfigurationDefault("createDevices"); v != true {
		t.Fatalf("ConfigurationDefault(createDevices) = %v after a copy was changed", v)
	}
}

func TestIncompleteOrUnknownFactsAreRefused(t *testing.T) {
	for name, text := range map[string]string{
		"no mask":       `{"tokenPath": "/t", "configurationDefaults": {"a": 1}}`,
		"no defaults":   `{"tokenPath": "/t", "mask": "*"}`,
		"unknown field": `{"tokenPath": "/t", "mask": "*", "configurationDefaults": {"a": 1}, "x": 1}`,
		"not JSON":      `{`,
	} {
		if _, err := parse([]byte(text)); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}

func TestNumbersStayExact(t *testing.T) {
	f, err := parse([]byte(`{"tokenPath": "/t", "mask": "*", "credentialHeaders": {"names": ["a"], "containing": []}, "configurationDefaults": {"n": 12345678901234567890}}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.ConfigurationDefaults["n"] != json.Number("12345678901234567890") {
		t.Fatalf("n = %#v", f.ConfigurationDefaults["n"])
	}
}

// The test fake keeps its own copy on purpose (internal/fakeapi says why); this keeps it equal.
func TestTheFakeAPIServesTheSameFacts(t *testing.T) {
	if fakeapi.TokenPath != TokenPath() || fakeapi.Mask != Mask() {
		t.Errorf("fakeapi: token path %q, mask %q; facts.json: %q, %q", fakeapi.TokenPath, fakeapi.Mask, TokenPath(), Mask())
	}
	for k, v := range fakeapi.Defaults {
		if d, ok := ConfigurationDefault(k); !ok || !reflect.DeepEqual(d, v) {
			t.Errorf("fakeapi.Defaults[%q] = %v; facts.json: %v", k, v, d)
		}
	}
	if len(fakeapi.Defaults) != len(ConfigurationDefaults()) {
		t.Errorf("fakeapi.Defaults has %d fields, facts.json %d", len(fakeapi.Defaults), len(ConfigurationDefaults()))
	}
}

func TestCredentialHeadersAreTheNamedOnesAndThoseContainingAPart(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "X-API-Key": true, "webhookSigningKey": true, "access_token": true,
		"projectId": false, "Content-Type": false,
	} {
		if got := IsCredentialHeader(name); got != want {
			t.Errorf("IsCredentialHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
