package provider

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

func TestNamesAreDecidedAsTheSharedTableSays(t *testing.T) {
	var rules struct {
		Names []struct {
			Name string `json:"name"`
			OK   bool   `json:"ok"`
		} `json:"names"`
	}
	b, err := os.ReadFile("../client/testdata/input-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rules); err != nil || len(rules.Names) == 0 {
		t.Fatal(err)
	}
	for _, tc := range rules.Names {
		if msg := nameProblem(tc.Name); (msg == "") != tc.OK {
			t.Errorf("%q: problem %q, the table says ok=%v", tc.Name, msg, tc.OK)
		}
	}
}

func TestTheProviderRefusesUnsafeURLsOnTheAttributeWithoutPrintingAPassword(t *testing.T) {
	h := newHarness(t, fakeapi.New(t), nil)
	for _, tc := range []struct{ attr, url string }{
		{"base_url", "http://example.com/iot-flow/v1"},
		{"base_url", "https://user:pw-9f8e7d@example.com/iot-flow/v1"},
		{"base_url", "https://example.com/iot-flow/v1?x=1"},
		{"base_url", "https://example.com/iot-flow/v1#f"},
		{"token_url", "http://auth.example.com/token"},
	} {
		cfg := map[string]tftypes.Value{"base_url": str("https://h/iot-flow/v1"), "bearer_token": str("t")}
		if tc.attr == "token_url" {
			cfg = map[string]tftypes.Value{"base_url": str("https://h/iot-flow/v1"), "client_id": str("a"), "client_secret": str("b")}
		}
		cfg[tc.attr] = str(tc.url)
		dv := h.dv(h.prov, cfg)
		vr, _ := h.srv.ValidateProviderConfig(h.ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &dv})
		d := firstError(vr.Diagnostics)
		if d == nil || d.Attribute == nil || !strings.Contains(d.Attribute.String(), tc.attr) || strings.Contains(d.Detail, "pw-9f8e7d") {
			t.Errorf("%s = %s: %+v", tc.attr, tc.url, d)
		}
	}
}

func validateResource(h *harness, config map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	cfg := h.dv(h.res, config)
	vr, _ := h.srv.ValidateResourceConfig(h.ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: resType, Config: &cfg,
		ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}})
	return vr.Diagnostics
}

func TestAResourceRefusesAnInvisibleCharacterInItsName(t *testing.T) {
	h := newHarness(t, fakeapi.New(t), nil)
	d := firstError(validateResource(h, webhookConfig("abc\u202edcb", "")))
	if d == nil || d.Attribute == nil || !strings.Contains(d.Attribute.String(), "name") || !strings.Contains(d.Detail, "U+202E") {
		t.Fatalf("diagnostic %+v", d)
	}
}

func TestASecretInConfigurationIsRefusedNamingThePathNotTheValue(t *testing.T) {
	h := newHarness(t, fakeapi.New(t), nil)
	cfg := webhookConfig("a", "")
	cfg["configuration"] = str(`{"url":"https://hook.example/a","headers":{"projectId":"p","webhookSigningKey":"inline-key-1a2b3c"}}`)
	d := firstError(validateResource(h, cfg))
	if d == nil || d.Attribute == nil || !strings.Contains(d.Attribute.String(), "configuration") ||
		!strings.Contains(d.Detail, "headers.webhookSigningKey") || !strings.Contains(d.Detail, "secrets_wo") || strings.Contains(d.Detail, "inline-key-1a2b3c") {
		t.Fatalf("diagnostic %+v", d)
	}
}

// applyRaw plans and applies once, returning the apply's response whatever its diagnostics.
func (h *harness) applyRaw(config map[string]tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	h.t.Helper()
	pr, cfg := h.plan(resState{}, config)
	h.noErrors("plan", pr.Diagnostics)
	ar, err := h.srv.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: resType, PriorState: nullDV(h.res), PlannedState: pr.PlannedState, Config: &cfg, PlannedPrivate: pr.PlannedPrivate,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return ar
}

func TestAWrongClientSecretNamesTheTokenStepAndTheVariable(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, map[string]tftypes.Value{"base_url": str(fake.URL), "client_id": str("cid"), "client_secret": str("wrong-5f4e3d")})
	pr, _ := h.plan(resState{}, webhookConfig("a", ""))
	d := firstError(pr.Diagnostics)
	if d == nil || d.Summary != failAuth.Summary || !strings.Contains(d.Detail, fake.URL+fakeapi.TokenPath) ||
		!strings.Contains(d.Detail, `"cid"`) || !strings.Contains(d.Detail, "TF_VAR_thingpark_client_secret") || strings.Contains(d.Detail, "wrong-5f4e3d") {
		t.Fatalf("diagnostic %+v", d)
	}
}

func TestNothingListeningNamesTheBaseURLAndTheEmulator(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String() + "/iot-flow/v1"
	_ = l.Close()
	h := newHarness(t, nil, map[string]tftypes.Value{"base_url": str(base), "bearer_token": str("t")})
	rs := h.dv(h.res, map[string]tftypes.Value{"id": str("1"), "name": str("n"), "connector_id": str("c"), "configuration": str("{}")})
	rr, _ := h.srv.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: &rs})
	d := firstError(rr.Diagnostics)
	if d == nil || d.Summary != failUnreachable.Summary || !strings.Contains(d.Detail, base) || !strings.Contains(d.Detail, "is the emulator running?") {
		t.Fatalf("diagnostic %+v", d)
	}
	// With client credentials the token is the first step: its heading, the same question.
	h = newHarness(t, nil, map[string]tftypes.Value{"base_url": str(base), "client_id": str("cid"), "client_secret": str("csecret")})
	rr, _ = h.srv.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: &rs})
	d = firstError(rr.Diagnostics)
	if d == nil || d.Summary != failTokenUnreachable.Summary || !strings.Contains(d.Detail, failTokenUnreachable.Fix) {
		t.Fatalf("diagnostic %+v", d)
	}
}

func TestARateLimitBeyondTheRetriesSaysSo(t *testing.T) {
	fake := fakeapi.New(t)
	fake.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st == "before" && r.Method == "GET" {
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	})
	h := newHarness(t, fake, map[string]tftypes.Value{"base_url": str(fake.URL), "client_id": str("cid"), "client_secret": str("csecret"), "max_retries": tftypes.NewValue(tftypes.Number, 1)})
	pr, _ := h.plan(resState{}, webhookConfig("a", ""))
	if d := firstError(pr.Diagnostics); d == nil || d.Summary != failRateLimited.Summary || !strings.Contains(d.Detail, "max_retries") {
		t.Fatalf("diagnostic %+v", d)
	}
}

func TestAReadAnsweringAnotherIdLeavesTheStateAlone(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	st := h.apply(resState{}, webhookConfig("mine", "k"))
	id := strOf(attrs(t, h.res, st.state)["id"])
	other := fake.Put(map[string]any{"name": "theirs", "connectorId": "http-webhook", "configuration": map[string]any{}})
	fake.SetHook(func(stage string, w http.ResponseWriter, r *http.Request) bool {
		if stage == "before" && r.Method == "GET" && r.URL.Path == "/connections/"+id {
			_ = json.NewEncoder(w).Encode(fake.Get(other))
			return true
		}
		return false
	})
	rr, _ := h.srv.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: st.state, Private: st.private})
	d := firstError(rr.Diagnostics)
	if d == nil || d.Summary != failIdentity.Summary || !strings.Contains(d.Detail, other) {
		t.Fatalf("diagnostic %+v", d)
	}
	if rr.NewState != nil && strOf(attrs(t, h.res, rr.NewState)["id"]) != id {
		t.Fatalf("the state's id switched to %s", strOf(attrs(t, h.res, rr.NewState)["id"]))
	}
}

func TestTheReadBackFailsNamingBothIdsWhenAnotherStackCreatedTheSameName(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	var theirs string
	fake.SetHook(onFirstPOST(func(http.ResponseWriter) {
		theirs = fake.Put(map[string]any{"name": "race", "connectorId": "http-webhook", "configuration": map[string]any{}})
	}, false))
	st := h.apply(resState{}, webhookConfig("race", "k"))
	mine := strOf(attrs(t, h.res, st.state)["id"])
	cfg := h.dv(h.ds, map[string]tftypes.Value{"ids": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str(mine)})})
	r, err := h.srv.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "iotflow_connections", Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	d := firstError(r.Diagnostics)
	if d == nil || d.Summary != failRace.Summary || !strings.Contains(d.Detail, "created with id "+mine) || !strings.Contains(d.Detail, "id "+theirs) || mine == theirs {
		t.Fatalf("diagnostic %+v", d)
	}
}

func TestALostAnswerRecoveryIsShownAsAWarning(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	fake.SetHook(onFirstPOST(func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, true))
	ar := h.applyRaw(webhookConfig("lost", "k"))
	h.noErrors("apply", ar.Diagnostics)
	if len(ar.Diagnostics) != 1 || !strings.Contains(ar.Diagnostics[0].Detail, "no second POST") {
		t.Fatalf("diagnostics %+v", ar.Diagnostics)
	}
}

// The README's "When things go wrong" table shows each failure's heading and fix as the provider prints them.
func TestFailuresMatchTheReadme(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "## When things go wrong")
	if start < 0 {
		t.Fatal(`README.md has no "When things go wrong" section`)
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	for _, f := range failures {
		for _, text := range []string{f.Summary, f.Fix} {
			if !strings.Contains(section, text) {
				t.Errorf("README.md's error table lacks %q: edit the table (or the failure in diagnostics.go) so both say the same", text)
			}
		}
	}
}

func TestTraceLogsNeverHoldASecret(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	var logs bytes.Buffer
	h.ctx = tfsdklogtest.RootLogger(tflogtest.RootLogger(h.ctx, &logs), &logs)
	const sig = `trace-key/+"é-7c6b`
	// A lost answer (debug lines about the recovery), then an echo of the request in a 400.
	fake.SetHook(onFirstPOST(func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, true))
	h.apply(resState{}, webhookConfig("traced", sig))
	fake.SetHook(func(stage string, w http.ResponseWriter, r *http.Request) bool {
		if stage != "after" || r.Method != "POST" {
			return false
		}
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "invalid request: " + sig + " " + base64.StdEncoding.EncodeToString([]byte(sig))})
		return true
	})
	ar := h.applyRaw(webhookConfig("echoed", sig))
	if d := firstError(ar.Diagnostics); d == nil || !strings.Contains(d.Detail, "(redacted)") {
		t.Fatalf("diagnostic %+v", d)
	}
	// Search the lines as written and as decoded (a log line is JSON: the secret would be escaped once more).
	entries, err := tflogtest.MultilineJSONDecode(bytes.NewReader(logs.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	out := logs.String() + fmt.Sprint(entries)
	if !strings.Contains(out, "POST answer lost") || !strings.Contains(out, `"@level":"trace"`) {
		t.Fatalf("the log does not show the provider's debug and the SDK's trace lines:\n%s", out)
	}
	j, _ := json.Marshal(sig)
	for _, form := range []string{sig, string(j[1 : len(j)-1]), url.QueryEscape(sig), base64.StdEncoding.EncodeToString([]byte(sig)), "csecret"} {
		if strings.Contains(out, form) {
			t.Fatalf("secret form %q in the trace log", form)
		}
	}
}

// onFirstPOST runs act on the first POST once it is stored; answers says whether act answered it.
func onFirstPOST(act func(http.ResponseWriter), answers bool) fakeapi.Hook {
	var once sync.Once
	return func(stage string, w http.ResponseWriter, r *http.Request) bool {
		hit := false
		if stage == "after" && r.Method == "POST" {
			once.Do(func() { hit = answers; act(w) })
		}
		return hit
	}
}
