package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

// TestTofuSmoke drives a real OpenTofu binary (IOTFLOW_TOFU=/path/to/tofu)
// through plan/apply/re-plan/rotate/destroy against the fake API, with the
// provider built from this module and loaded via dev_overrides. Skipped
// unless IOTFLOW_TOFU is set.
func TestTofuSmoke(t *testing.T) {
	tofu := os.Getenv("IOTFLOW_TOFU")
	if tofu == "" {
		t.Skip("set IOTFLOW_TOFU to an OpenTofu binary to run")
	}
	fake := fakeapi.New(t)
	fake.MaskedPaths = []string{"headers.webhookSigningKey"}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-iotflow"), "../..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "dev.tfrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"registry.opentofu.org/thingpark-qubitro/iotflow\" = %q\n  }\n  direct {}\n}\n", bin), 0o600); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	_ = os.Mkdir(work, 0o700)
	write := func(sig string) {
		tf := fmt.Sprintf(`
terraform {
  required_providers {
    iotflow = { source = "registry.opentofu.org/thingpark-qubitro/iotflow" }
  }
}
variable "client_secret" {
  type      = string
  ephemeral = true
  sensitive = true
}
provider "iotflow" {
  base_url      = %q
  client_id     = "cid"
  client_secret = var.client_secret
}
resource "iotflow_connection" "hook" {
  name          = "smoke-hook"
  connector_id  = "http-webhook"
  configuration = jsonencode({ url = "https://hook.example/x", headers = { a = "1" } })
  secrets_wo    = { "headers.webhookSigningKey" = %q }
}
data "iotflow_connections" "all" {
  connector_id           = "http-webhook"
  settle_timeout_seconds = 5
  depends_on             = [iotflow_connection.hook]
}
output "states" { value = [for c in data.iotflow_connections.all.connections : c.state] }
`, fake.URL+"/", sig)
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(tf), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(tofu, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_VAR_client_secret=csecret", "TF_IN_AUTOMATION=1")
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	must := func(args ...string) string {
		out, code := run(args...)
		if code != 0 {
			t.Fatalf("tofu %v: exit %d\n%s", args, code, out)
		}
		return out
	}
	write("key-1")
	out := must("apply", "-auto-approve", "-no-color")
	if fake.Count() != 1 || !strings.Contains(out, "1 added") {
		t.Fatalf("apply:\n%s", out)
	}
	for id := range map[string]bool{"1001": true} {
		c := fake.Get(id)
		if c == nil || c["configuration"].(map[string]any)["headers"].(map[string]any)["webhookSigningKey"] != "key-1" {
			t.Fatalf("stored %v", c)
		}
	}
	state, _ := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if strings.Contains(string(state), "key-1") || strings.Contains(string(state), "csecret") {
		t.Fatal("a secret reached the state file")
	}
	if _, code := run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
		out, _ := run("plan", "-no-color")
		t.Fatalf("re-plan is not empty:\n%s", out)
	}
	write("key-2")
	out, code := run("plan", "-detailed-exitcode", "-no-color")
	if code != 2 || !strings.Contains(out, "1 to change") {
		t.Fatalf("rotation plan (exit %d):\n%s", code, out)
	}
	must("apply", "-auto-approve", "-no-color")
	if fake.Get("1001")["configuration"].(map[string]any)["headers"].(map[string]any)["webhookSigningKey"] != "key-2" {
		t.Fatal("rotated secret not sent")
	}
	// A connection made elsewhere with the same name blocks a create plan.
	fake.Put(map[string]any{"name": "smoke-hook", "connectorId": "http-webhook", "configuration": map[string]any{}})
	must("state", "rm", "iotflow_connection.hook")
	out, code = run("plan", "-no-color")
	if code == 0 || !strings.Contains(out, "already exists on") {
		t.Fatalf("takeover plan (exit %d):\n%s", code, out)
	}
	must("import", "-no-color", "iotflow_connection.hook", "1001")
	must("destroy", "-auto-approve", "-no-color")
	if fake.Get("1001") != nil {
		t.Fatal("not destroyed")
	}
}
