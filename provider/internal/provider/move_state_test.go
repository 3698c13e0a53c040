package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

const restfulAddr = "registry.opentofu.org/magodo/restful"

// restful01State is the attributes JSON of a restful_resource (schema version
// 2) as magodo/restful 0.25.2 wrote it for a 0.1 QubitroConnection (trimmed
// of null attributes). The signing key is in body: restful keeps
// write_only_attrs in state to fill them back after masked reads.
func restful01State(id string) string {
	return `{
  "body": {"value": {"brand": "QUBITRO", "configuration": {"destinationURL": "https://webhook.qubitro.com/integrations/actility",
    "headers": {"projectId": "aa62ebe1", "webhookSigningKey": "probe-signing-key-0f9e8d7c6b5a"}, "reconnectStrategy": "CALM"},
    "connectorId": "actility-http-iot", "name": "Farm backup"},
   "type": ["object", {"brand": "string", "configuration": ["object", {"destinationURL": "string",
    "headers": ["object", {"projectId": "string", "webhookSigningKey": "string"}], "reconnectStrategy": "string"}],
    "connectorId": "string", "name": "string"}]},
  "create_method": "POST", "delete_method": "DELETE", "update_method": "PUT",
  "id": "/connections/` + id + `",
  "output": {"value": {"id": "` + id + `", "state": "OPENED"}, "type": ["object", {"id": "string", "state": "string"}]},
  "output_attrs": ["id", "state"], "path": "/connections", "read_path": "$(path)/$(body.id)",
  "write_only_attrs": ["configuration.headers.webhookSigningKey"]
}`
}

func TestConnectionFromRestful(t *testing.T) {
	m, paths, err := connectionFromRestful([]byte(restful01State("1000")))
	if err != nil {
		t.Fatal(err)
	}
	if m.ID.ValueString() != "1000" || m.Name.ValueString() != "Farm backup" || m.ConnectorID.ValueString() != "actility-http-iot" ||
		m.Brand.ValueString() != "QUBITRO" || !m.Active.IsNull() || !m.Alarms.IsNull() || m.State.ValueString() != "OPENED" {
		t.Fatalf("moved %+v", m)
	}
	if got := m.Configuration.ValueString(); got != `{"destinationURL":"https://webhook.qubitro.com/integrations/actility","headers":{"projectId":"aa62ebe1"},"reconnectStrategy":"CALM"}` {
		t.Fatalf("configuration %s", got)
	}
	if !m.SecretsFingerprint.IsNull() || !m.SecretsWO.IsNull() || !m.StartupTime.IsNull() {
		t.Fatalf("fingerprint, secrets and startup time must be null: %+v", m)
	}
	if fmt.Sprint(paths) != "[headers.webhookSigningKey]" {
		t.Fatalf("secret paths %v", paths)
	}
	if strings.Contains(fmt.Sprintf("%+v", m), "probe-signing-key") {
		t.Fatal("the signing key reached the moved state")
	}
}

func TestConnectionFromRestfulVariants(t *testing.T) {
	for _, tc := range []struct {
		name, raw       string
		id, cfg, alarms string
		active          string
	}{
		{
			name: "body as JSON text (older restful), no output: id from the path",
			raw:  `{"id": "/connections/77", "body": "{\"name\":\"a\",\"connectorId\":\"c\",\"configuration\":{\"k\":1}}"}`,
			id:   "77", cfg: `{"k":1}`, active: "<null>",
		},
		{
			name: "masked value and null leaves dropped, secret paths not listed",
			raw: `{"id": "/connections/5", "output": {"value": {"id": 5}, "type": ["object", {"id": "number"}]},
			  "body": {"value": {"name": "a", "connectorId": "c", "active": false, "alarms": [{"type": "daily"}],
			    "configuration": {"password": "*****", "n": null, "deep": {"x": null, "y": "1"}}}, "type": "dynamic"}}`,
			id: "5", cfg: `{"deep":{"y":"1"}}`, alarms: `[{"type":"daily"}]`, active: "false",
		},
		{
			name: "secret paths outside configuration are ignored; several inside removed",
			raw: `{"id": "/connections/9", "output": {"id": "9", "state": "CLOSED"}, "write_only_attrs": ["name", "configuration.a.b", "configuration.c"],
			  "body": {"name": "a", "connectorId": "c", "brand": "", "configuration": {"a": {"b": "s1", "keep": true}, "c": "s2"}}}`,
			id: "9", cfg: `{"a":{"keep":true}}`, active: "<null>",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := connectionFromRestful([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			if m.ID.ValueString() != tc.id || m.Configuration.ValueString() != tc.cfg {
				t.Fatalf("id %s configuration %s", m.ID, m.Configuration)
			}
			if m.Alarms.ValueString() != tc.alarms {
				t.Fatalf("alarms %s", m.Alarms)
			}
			if !m.Brand.IsNull() && m.Brand.ValueString() == "" {
				t.Fatal("an empty brand must be null")
			}
			active := "<null>"
			if !m.Active.IsNull() {
				active = fmt.Sprint(m.Active.ValueBool())
			}
			if active != tc.active {
				t.Fatalf("active %s", active)
			}
		})
	}
	for _, raw := range []string{
		`{"id": "/connections/", "body": {"name": "a", "connectorId": "c"}}`,
		`{"id": "/connections/1", "body": {"connectorId": "c"}}`,
		`{"id": "/connections/1", "body": {"name": "a"}}`,
		`{"id": "/connections/1", "body": {"name": "a", "connectorId": "c", "configuration": [1]}}`,
		`[]`,
	} {
		if _, _, err := connectionFromRestful([]byte(raw)); err == nil {
			t.Errorf("%s: expected an error", raw)
		}
	}
}

func TestIsRestfulProvider(t *testing.T) {
	for addr, want := range map[string]bool{
		"registry.opentofu.org/magodo/restful":  true,
		"registry.terraform.io/magodo/restful":  true,
		"registry.terraform.io/Magodo/Restful":  true,
		"mirror.example/magodo/restful":         true,
		"registry.opentofu.org/hashicorp/http":  false,
		"registry.opentofu.org/other/restful":   false,
		"registry.opentofu.org/magodo/restful2": false,
	} {
		if isRestfulProvider(addr) != want {
			t.Errorf("%s: want %v", addr, want)
		}
	}
}

// The move through the plugin protocol, as OpenTofu calls it for a moved
// block across resource types; then the first plan and apply: no POST, no
// DELETE, one PUT that sends the key and records its fingerprint, and a
// clean plan after it.
func TestMoveFromRestfulThroughProvider(t *testing.T) {
	fake := fakeapi.New(t)
	fake.MaskedPaths = []string{"headers.webhookSigningKey"}
	id := fake.Put(map[string]any{
		"name": "Farm backup", "connectorId": "actility-http-iot", "brand": "QUBITRO",
		"configuration": map[string]any{
			"destinationURL":    "https://webhook.qubitro.com/integrations/actility",
			"headers":           map[string]any{"projectId": "aa62ebe1", "webhookSigningKey": "probe-signing-key-0f9e8d7c6b5a"},
			"reconnectStrategy": "CALM",
		},
	})
	h := newHarness(t, fake, nil)

	move := func(addr, typ string) *tfprotov6.MoveResourceStateResponse {
		t.Helper()
		resp, err := h.srv.MoveResourceState(h.ctx, &tfprotov6.MoveResourceStateRequest{
			SourceProviderAddress: addr, SourceTypeName: typ, SourceSchemaVersion: 2,
			SourceState: &tfprotov6.RawState{JSON: []byte(restful01State(id))}, TargetTypeName: resType,
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, other := range [][2]string{{"registry.opentofu.org/hashicorp/http", restfulType}, {restfulAddr, "restful_operation"}} {
		if d := firstError(move(other[0], other[1]).Diagnostics); d == nil {
			t.Fatalf("a move from %s %s must fail", other[0], other[1])
		}
	}
	h.noErrors("move (terraform registry)", move("registry.terraform.io/magodo/restful", restfulType).Diagnostics)

	mr := move(restfulAddr, restfulType)
	h.noErrors("move", mr.Diagnostics)
	st := resState{state: mr.TargetState, private: mr.TargetPrivate}
	a := attrs(t, h.res, st.state)
	if strOf(a["id"]) != id || strOf(a["state"]) != "OPENED" || !a["secrets_fingerprint"].IsNull() {
		t.Fatalf("moved state %v", a)
	}
	if strings.Contains(fmt.Sprint(a), "probe-signing-key") || strings.Contains(string(st.private), "probe-signing-key") {
		t.Fatal("the signing key reached the moved state")
	}
	var priv map[string][]byte
	_ = json.Unmarshal(st.private, &priv)
	if string(priv["secret_paths"]) != `["headers.webhookSigningKey"]` {
		t.Fatalf("private state %s", st.private)
	}

	cfg := map[string]tftypes.Value{
		"name": str("Farm backup"), "connector_id": str("actility-http-iot"), "brand": str("QUBITRO"),
		"configuration": str(`{"destinationURL":"https://webhook.qubitro.com/integrations/actility","headers":{"projectId":"aa62ebe1"},"reconnectStrategy":"CALM"}`),
		"secrets_wo": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String},
			map[string]tftypes.Value{"headers.webhookSigningKey": str("probe-signing-key-0f9e8d7c6b5a")}),
	}
	st = h.read(st) // the refresh before the plan: masked key and defaults are no drift
	pr, _ := h.plan(st, cfg)
	h.noErrors("plan", pr.Diagnostics)
	if ch := h.changed(st, pr); !contains(ch, "secrets_fingerprint") || contains(ch, "configuration") || contains(ch, "id") || contains(ch, "name") {
		t.Fatalf("first plan after the move changes %v", ch)
	}
	if pr.RequiresReplace != nil {
		t.Fatalf("requires replace %v", pr.RequiresReplace)
	}
	st = h.apply(st, cfg)
	if len(fake.PostBodies) != 0 || fake.CountRequests("DELETE") != 0 || len(fake.PutBodies) != 1 {
		t.Fatalf("requests %v", fake.Requests)
	}
	if !strings.HasPrefix(strOf(attrs(t, h.res, st.state)["secrets_fingerprint"]), "hmac-sha256:") {
		t.Fatal("the apply must record the fingerprint")
	}
	st = h.read(st)
	pr, _ = h.plan(st, cfg)
	h.noErrors("re-plan", pr.Diagnostics)
	if ch := h.changed(st, pr); len(ch) != 0 {
		t.Fatalf("re-plan changes %v", ch)
	}
}
