package client_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
)

// InputRules is the shared case table (testdata/input-rules.json) that test/src/input-rules.test.ts
// runs through the TypeScript rules too.
type InputRules struct {
	APIURLs []struct {
		URL string `json:"url"`
		OK  bool   `json:"ok"`
	} `json:"apiUrls"`
	LoopbackHosts []struct {
		Host     string `json:"host"`
		Loopback bool   `json:"loopback"`
	} `json:"loopbackHosts"`
}

func TestAPIURLsAreDecidedAsTheSharedTableSays(t *testing.T) {
	var rules InputRules
	b, err := os.ReadFile("testdata/input-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	for _, tc := range rules.APIURLs {
		if _, err := client.CheckAPIURL(tc.URL); (err == nil) != tc.OK {
			t.Errorf("%s: accepted=%v, the table says %v (%v)", tc.URL, err == nil, tc.OK, err)
		}
	}
	for _, tc := range rules.LoopbackHosts {
		if got := client.IsLoopbackHost(tc.Host); got != tc.Loopback {
			t.Errorf("%s: loopback=%v, the table says %v", tc.Host, got, tc.Loopback)
		}
	}
}

func TestAURLWithAPasswordNeverPrintsIt(t *testing.T) {
	_, err := client.CheckAPIURL("https://user:hunter2-pw@community.thingpark.io/x")
	if err == nil || strings.Contains(err.Error(), "hunter2-pw") {
		t.Fatalf("error %v", err)
	}
}
