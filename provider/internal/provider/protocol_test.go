package provider

// End-to-end tests through the plugin protocol (what OpenTofu calls), against
// the in-memory API: no tofu binary needed.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

const resType = "iotflow_connection"

type harness struct {
	t      *testing.T
	srv    tfprotov6.ProviderServer
	res    tftypes.Object
	ds     tftypes.Object
	prov   tftypes.Object
	ctx    context.Context
	client *client.Client
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func newHarness(t *testing.T, fake *fakeapi.Server, provCfg map[string]tftypes.Value) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background()}
	srv, err := providerserver.NewProtocol6WithError(newWithClientHook("test", func(c *client.Client) {
		c.BaseBackoff = time.Millisecond
		c.SettlePollInterval = 5 * time.Millisecond
		h.client = c
	})())()
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	sch, err := srv.GetProviderSchema(h.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(sch.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, sch.Diagnostics)
	}
	h.res = sch.ResourceSchemas[resType].ValueType().(tftypes.Object)
	h.ds = sch.DataSourceSchemas["iotflow_connections"].ValueType().(tftypes.Object)
	h.prov = sch.Provider.ValueType().(tftypes.Object)
	if provCfg == nil {
		provCfg = map[string]tftypes.Value{"base_url": str(fake.URL + "/"), "client_id": str("cid"), "client_secret": str("csecret")}
	}
	cfg := h.dv(h.prov, provCfg)
	vr, _ := srv.ValidateProviderConfig(h.ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &cfg})
	h.noErrors("validate provider", vr.Diagnostics)
	cr, _ := srv.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	h.noErrors("configure", cr.Diagnostics)
	return h
}

// obj builds an object value; attributes not given are null.
func obj(typ tftypes.Object, vals map[string]tftypes.Value) tftypes.Value {
	all := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		if v, ok := vals[k]; ok {
			all[k] = v
		} else {
			all[k] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, all)
}

func (h *harness) dv(typ tftypes.Object, vals map[string]tftypes.Value) tfprotov6.DynamicValue {
	d, err := tfprotov6.NewDynamicValue(typ, obj(typ, vals))
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func (h *harness) noErrors(what string, diags []*tfprotov6.Diagnostic) {
	h.t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			h.t.Fatalf("%s: %s: %s (%v)", what, d.Summary, d.Detail, d.Attribute)
		}
	}
}

func firstError(diags []*tfprotov6.Diagnostic) *tfprotov6.Diagnostic {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return d
		}
	}
	return nil
}

// attrs decodes an object value into its attributes.
func attrs(t *testing.T, typ tftypes.Object, d *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	v, err := d.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if v.IsNull() {
		return nil
	}
	m := map[string]tftypes.Value{}
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func strOf(v tftypes.Value) string {
	if v.IsNull() || !v.IsKnown() {
		return fmt.Sprintf("<%v>", v)
	}
	var s string
	_ = v.As(&s)
	return s
}

// resource state kept between steps, like OpenTofu does.
type resState struct {
	state   *tfprotov6.DynamicValue
	private []byte
}

// proposed mirrors OpenTofu's proposed new state: config values, computed
// attributes from the prior state, write-only values null.
func (h *harness) proposed(prior map[string]tftypes.Value, config map[string]tftypes.Value) map[string]tftypes.Value {
	p := map[string]tftypes.Value{}
	for k, v := range config {
		p[k] = v
	}
	delete(p, "secrets_wo")
	for _, k := range []string{"id", "secrets_fingerprint", "state", "startup_time"} {
		if prior != nil {
			p[k] = prior[k]
		}
	}
	return p
}

func (h *harness) plan(st resState, config map[string]tftypes.Value) (*tfprotov6.PlanResourceChangeResponse, tfprotov6.DynamicValue) {
	h.t.Helper()
	cfg := h.dv(h.res, config)
	vr, _ := h.srv.ValidateResourceConfig(h.ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: resType, Config: &cfg, ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}})
	h.noErrors("validate resource", vr.Diagnostics)
	var prior map[string]tftypes.Value
	priorDV := *nullDV(h.res)
	if st.state != nil {
		prior = attrs(h.t, h.res, st.state)
		priorDV = *st.state
	}
	prop := h.dv(h.res, h.proposed(prior, config))
	pr, err := h.srv.PlanResourceChange(h.ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: resType, PriorState: &priorDV, ProposedNewState: &prop, Config: &cfg, PriorPrivate: st.private,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return pr, cfg
}

// apply plans twice (plan, then the apply-time re-plan, which must agree)
// and applies.
func (h *harness) apply(st resState, config map[string]tftypes.Value) resState {
	h.t.Helper()
	pr, cfg := h.plan(st, config)
	h.noErrors("plan", pr.Diagnostics)
	pr2, _ := h.plan(st, config)
	h.noErrors("re-plan", pr2.Diagnostics)
	if a, b := attrs(h.t, h.res, pr.PlannedState), attrs(h.t, h.res, pr2.PlannedState); !tftypes.NewValue(h.res, a).Equal(tftypes.NewValue(h.res, b)) {
		h.t.Fatalf("plan and apply-time plan differ:\n%v\n%v", a, b)
	}
	priorDV := *nullDV(h.res)
	if st.state != nil {
		priorDV = *st.state
	}
	ar, err := h.srv.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: resType, PriorState: &priorDV, PlannedState: pr.PlannedState, Config: &cfg,
		PlannedPrivate: pr.PlannedPrivate,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.noErrors("apply", ar.Diagnostics)
	return resState{state: ar.NewState, private: ar.Private}
}

func (h *harness) read(st resState) resState {
	h.t.Helper()
	rr, err := h.srv.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: st.state, Private: st.private})
	if err != nil {
		h.t.Fatal(err)
	}
	h.noErrors("read", rr.Diagnostics)
	return resState{state: rr.NewState, private: rr.Private}
}

// changed lists the planned attributes that differ from the prior state.
func (h *harness) changed(st resState, pr *tfprotov6.PlanResourceChangeResponse) []string {
	prior := attrs(h.t, h.res, st.state)
	planned := attrs(h.t, h.res, pr.PlannedState)
	var out []string
	for k, v := range planned {
		if !v.Equal(prior[k]) {
			out = append(out, k)
		}
	}
	return out
}

func webhookConfig(name, sig string) map[string]tftypes.Value {
	m := map[string]tftypes.Value{
		"name":          str(name),
		"connector_id":  str("http-webhook"),
		"configuration": str(`{"url":"https://hook.example/` + name + `","headers":{"x-a":"1"}}`),
	}
	if sig != "" {
		m["secrets_wo"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"headers.webhookSigningKey": str(sig)})
	}
	return m
}

func TestResourceLifecycle(t *testing.T) {
	fake := fakeapi.New(t)
	fake.MaskedPaths = []string{"headers.webhookSigningKey"}
	fake.SettleReads = 2 // the create answer says CLOSED, later reads OPENED
	h := newHarness(t, fake, nil)

	cfg := webhookConfig("hook-1", "key-v1")
	st := h.apply(resState{}, cfg)
	a := attrs(t, h.res, st.state)
	id := strOf(a["id"])
	if id == "" || strOf(a["state"]) != "CLOSED" || !a["secrets_wo"].IsNull() {
		t.Fatalf("state after create: %v", a)
	}
	fp1 := strOf(a["secrets_fingerprint"])
	if !strings.HasPrefix(fp1, "hmac-sha256:") {
		t.Fatalf("fingerprint %q", fp1)
	}
	// The secret reached the API, merged into configuration...
	stored := fake.Get(id)
	if stored["configuration"].(map[string]any)["headers"].(map[string]any)["webhookSigningKey"] != "key-v1" {
		t.Fatalf("secret not merged: %v", stored)
	}
	// ...and appears nowhere in state or private state.
	raw, _ := json.Marshal(a)
	if strings.Contains(fmt.Sprint(a), "key-v1") || strings.Contains(string(raw), "key-v1") || strings.Contains(string(st.private), "key-v1") {
		t.Fatal("secret value leaked into state")
	}
	var priv map[string][]byte // the framework stores private keys base64-encoded
	_ = json.Unmarshal(st.private, &priv)
	if string(priv["secret_paths"]) != `["headers.webhookSigningKey"]` {
		t.Fatalf("private state %s", st.private)
	}

	// Read: masked secret and server defaults produce no drift.
	st = h.read(st)
	if got := strOf(attrs(t, h.res, st.state)["configuration"]); got != strOf(cfg["configuration"]) {
		t.Fatalf("configuration text changed on read: %s", got)
	}
	pr, _ := h.plan(st, cfg)
	h.noErrors("plan", pr.Diagnostics)
	if ch := h.changed(st, pr); len(ch) != 0 {
		t.Fatalf("no-op plan changes %v", ch)
	}

	// Rotating the write-only secret plans an update (fingerprint unknown)
	// and the PUT carries the new value.
	cfg2 := webhookConfig("hook-1", "key-v2")
	pr, _ = h.plan(st, cfg2)
	h.noErrors("plan", pr.Diagnostics)
	if p := attrs(t, h.res, pr.PlannedState); p["secrets_fingerprint"].IsKnown() || p["state"].IsKnown() {
		t.Fatalf("rotation must plan unknown fingerprint and state: %v", p)
	}
	st = h.apply(st, cfg2)
	fp2 := strOf(attrs(t, h.res, st.state)["secrets_fingerprint"])
	if fp2 == fp1 || fp2[:len("hmac-sha256:")+16] != fp1[:len("hmac-sha256:")+16] {
		t.Fatalf("rotation: %s -> %s (salt must be kept, mac must change)", fp1, fp2)
	}
	if len(fake.PutBodies) != 1 || fake.PutBodies[0]["configuration"].(map[string]any)["headers"].(map[string]any)["webhookSigningKey"] != "key-v2" {
		t.Fatalf("PUT bodies %v", fake.PutBodies)
	}

	// Delete: 404 afterwards is fine too.
	dr, err := h.srv.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: resType, PriorState: st.state, PlannedState: nullDV(h.res), Config: nullDV(h.res),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.noErrors("delete", dr.Diagnostics)
	if fake.Get(id) != nil {
		t.Fatal("not deleted")
	}
	// Gone on the server: read removes it from state.
	rr, _ := h.srv.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: st.state, Private: st.private})
	h.noErrors("read gone", rr.Diagnostics)
	if v, _ := rr.NewState.Unmarshal(h.res); !v.IsNull() {
		t.Fatal("a 404 must remove the resource from state")
	}
}

func nullDV(typ tftypes.Object) *tfprotov6.DynamicValue {
	d, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	return &d
}

func TestImportAndDriftPlan(t *testing.T) {
	fake := fakeapi.New(t)
	fake.MaskedPaths = []string{"password"}
	id := fake.Put(map[string]any{
		"name": "mqtt-1", "connectorId": "mqtt", "active": false,
		"configuration": map[string]any{"host": "broker", "password": "pw", "qos": 1, "uiOnly": "x"},
	})
	h := newHarness(t, fake, nil)
	ir, err := h.srv.ImportResourceState(h.ctx, &tfprotov6.ImportResourceStateRequest{TypeName: resType, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	h.noErrors("import", ir.Diagnostics)
	st := h.read(resState{state: ir.ImportedResources[0].State, private: ir.ImportedResources[0].Private})
	a := attrs(t, h.res, st.state)
	if got := strOf(a["configuration"]); got != `{"host":"broker","qos":1,"uiOnly":"x"}` {
		t.Fatalf("imported configuration %s", got)
	}
	var active bool
	_ = a["active"].As(&active)
	if a["active"].IsNull() || active || strOf(a["name"]) != "mqtt-1" {
		t.Fatalf("imported %v", a)
	}
	// Adoption plan: the declared config drops uiOnly and sets the secret.
	cfg := map[string]tftypes.Value{
		"name": str("mqtt-1"), "connector_id": str("mqtt"), "active": tftypes.NewValue(tftypes.Bool, false),
		"configuration": str(`{"host":"broker","qos":1}`),
		"secrets_wo":    tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"password": str("pw")}),
	}
	pr, _ := h.plan(st, cfg)
	h.noErrors("adoption plan", pr.Diagnostics) // no takeover error: state is non-null
	ch := strings.Join(h.changed(st, pr), ",")
	if !strings.Contains(ch, "configuration") || !strings.Contains(ch, "secrets_fingerprint") {
		t.Fatalf("adoption plan changes %s", ch)
	}
	st = h.apply(st, cfg)
	if fake.Count() != 1 || len(fake.PostBodies) != 0 {
		t.Fatal("adoption must not create")
	}
	if got := fake.Get(id)["configuration"].(map[string]any); got["password"] != "pw" || got["uiOnly"] != nil {
		t.Fatalf("after adoption %v", got)
	}
}

func TestDriftShowsInPlan(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	cfg := webhookConfig("d", "")
	cfg["configuration"] = str(`{"url":"u","topic":"t"}`)
	st := h.apply(resState{}, cfg)
	id := strOf(attrs(t, h.res, st.state)["id"])
	// Someone edits the connection in the UI: removes topic, adds extra.
	conn := fake.Get(id)
	c := conn["configuration"].(map[string]any)
	delete(c, "topic")
	c["extra"] = true
	fake.Replace(id, conn)
	st = h.read(st)
	if got := strOf(attrs(t, h.res, st.state)["configuration"]); got != `{"extra":true,"url":"u"}` {
		t.Fatalf("drifted configuration %s", got)
	}
	pr, _ := h.plan(st, cfg)
	h.noErrors("plan", pr.Diagnostics)
	if ch := h.changed(st, pr); !contains(ch, "configuration") {
		t.Fatalf("drift plan changes %v", ch)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestNoSilentTakeover(t *testing.T) {
	fake := fakeapi.New(t)
	for i := 0; i < 120; i++ {
		fake.Put(map[string]any{"name": fmt.Sprint("c", i), "connectorId": "http-webhook", "configuration": map[string]any{}})
	}
	existing := fake.Put(map[string]any{"name": "taken", "connectorId": "http-webhook", "configuration": map[string]any{}})
	h := newHarness(t, fake, nil)
	pr, _ := h.plan(resState{}, webhookConfig("taken", ""))
	d := firstError(pr.Diagnostics)
	want := fmt.Sprintf(`connection "taken" already exists on %s with id %s, and this state does not manage it. To manage it here, import it (an import block with id "%s", or importFrom: "%s" in the constructs) or adopt it by name (adoptExisting: true); or give this connection another name.`, fake.URL, existing, existing, existing)
	if d == nil || d.Detail != want || d.Attribute == nil || !strings.Contains(d.Attribute.String(), "name") {
		t.Fatalf("diagnostic %+v", d)
	}
	// Many creates in one plan share one listing.
	for i := 0; i < 10; i++ {
		pr, _ := h.plan(resState{}, webhookConfig(fmt.Sprint("new", i), ""))
		h.noErrors("plan", pr.Diagnostics)
	}
	if n := fake.CountRequests("GET /connections?"); n != 2 {
		t.Fatalf("%d listing requests for 11 plans, want 2 (one listing of 2 pages)", n)
	}
	// Another connector with the same name is not a conflict.
	other := webhookConfig("taken", "")
	other["connector_id"] = str("mqtt")
	pr, _ = h.plan(resState{}, other)
	h.noErrors("plan other connector", pr.Diagnostics)
}

func TestCreateLostAnswerThroughProvider(t *testing.T) {
	fake := fakeapi.New(t)
	posts := 0
	fake.SetHook(func(stage string, w http.ResponseWriter, r *http.Request) bool {
		if stage == "after" && r.Method == "POST" && posts == 0 {
			posts++
			w.WriteHeader(502)
			return true
		}
		return false
	})
	h := newHarness(t, fake, nil)
	st := h.apply(resState{}, webhookConfig("lost", "k"))
	if fake.Count() != 1 || len(fake.PostBodies) != 1 || strOf(attrs(t, h.res, st.state)["id"]) == "" {
		t.Fatalf("count %d, posts %d", fake.Count(), len(fake.PostBodies))
	}
}

func TestProviderConfigValidation(t *testing.T) {
	fake := fakeapi.New(t)
	h := newHarness(t, fake, nil)
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	cases := []struct {
		cfg  map[string]tftypes.Value
		attr string
	}{
		{map[string]tftypes.Value{"base_url": str("https://h"), "client_id": str("a"), "client_secret": str("b"), "bearer_token": str("t")}, "bearer_token"},
		{map[string]tftypes.Value{"base_url": str("https://h"), "client_id": str("a")}, "client_secret"},
		{map[string]tftypes.Value{"base_url": str("https://h"), "client_secret": str("b")}, "client_id"},
		{map[string]tftypes.Value{"base_url": str("https://h")}, "client_id"},
		{map[string]tftypes.Value{"base_url": str("not a url"), "bearer_token": str("t")}, "base_url"},
		{map[string]tftypes.Value{"base_url": str("https://h"), "bearer_token": str("t"), "max_retries": tftypes.NewValue(tftypes.Number, -1)}, "max_retries"},
		{map[string]tftypes.Value{"base_url": str("https://h"), "bearer_token": str("t")}, ""},
		{map[string]tftypes.Value{"base_url": str("https://h"), "client_id": str("a"), "client_secret": unknown}, ""},
		{map[string]tftypes.Value{"base_url": unknown, "bearer_token": unknown}, ""},
	}
	for i, tc := range cases {
		cfg := h.dv(h.prov, tc.cfg)
		vr, _ := h.srv.ValidateProviderConfig(h.ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &cfg})
		d := firstError(vr.Diagnostics)
		switch {
		case tc.attr == "" && d != nil:
			t.Errorf("case %d: unexpected error %s: %s", i, d.Summary, d.Detail)
		case tc.attr != "" && (d == nil || d.Attribute == nil || !strings.Contains(d.Attribute.String(), tc.attr)):
			t.Errorf("case %d: want an error on %s, got %+v", i, tc.attr, d)
		}
	}
	// Unknown provider values at configure time: no crash; using the
	// resource then fails clearly.
	p, _ := providerserver.NewProtocol6WithError(New("test")())()
	_, _ = p.GetProviderSchema(h.ctx, &tfprotov6.GetProviderSchemaRequest{})
	cfg := h.dv(h.prov, map[string]tftypes.Value{"base_url": unknown, "bearer_token": str("t")})
	cr, _ := p.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if firstError(cr.Diagnostics) != nil {
		t.Fatalf("configure with unknown values: %v", cr.Diagnostics[0])
	}
	rs := h.dv(h.res, map[string]tftypes.Value{"id": str("1"), "name": str("n"), "connector_id": str("c"), "configuration": str("{}")})
	rr, _ := p.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: resType, CurrentState: &rs})
	if d := firstError(rr.Diagnostics); d == nil || !strings.Contains(d.Detail, "base_url is not known yet") {
		t.Fatalf("read without client: %+v", d)
	}
}

func TestDataSourceSettle(t *testing.T) {
	fake := fakeapi.New(t)
	fake.SettleReads = 4 // each connection reads CLOSED, CLOSED, OPENING, OPENING, then settles
	fake.FinalState["bad"] = "UNREACHABLE"
	fake.Put(map[string]any{"name": "ok", "connectorId": "http-webhook", "configuration": map[string]any{}})
	fake.Put(map[string]any{"name": "bad", "connectorId": "http-webhook", "configuration": map[string]any{}})
	fake.Put(map[string]any{"name": "off", "connectorId": "http-webhook", "active": false, "configuration": map[string]any{}})
	fake.Put(map[string]any{"name": "other", "connectorId": "mqtt", "configuration": map[string]any{}})
	h := newHarness(t, fake, nil)

	read := func(vals map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
		cfg := h.dv(h.ds, vals)
		r, err := h.srv.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "iotflow_connections", Config: &cfg})
		if err != nil {
			t.Fatal(err)
		}
		h.noErrors("read data source", r.Diagnostics)
		return r
	}
	// Settling is a count of reads; the timeout only bounds a failing run (wide for a loaded machine).
	r := read(map[string]tftypes.Value{"connector_id": str("http-webhook"), "settle_timeout_seconds": tftypes.NewValue(tftypes.Number, 60)})
	var conns []tftypes.Value
	_ = attrs(t, h.ds, r.State)["connections"].As(&conns)
	if len(conns) != 3 {
		t.Fatalf("%d connections", len(conns))
	}
	var warns []string
	for _, d := range r.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			warns = append(warns, d.Detail)
		}
	}
	if len(warns) != 1 || warns[0] != `connection "bad" (id 1002) is UNREACHABLE; expected OPENED` {
		t.Fatalf("warnings %q", warns)
	}

	// Still settling at the timeout: reported as not a failure yet.
	fake.SettleReads = 1000
	fake.Put(map[string]any{"name": "slow", "connectorId": "lora", "configuration": map[string]any{}})
	r = read(map[string]tftypes.Value{"name": str("slow"), "settle_timeout_seconds": tftypes.NewValue(tftypes.Number, 1)})
	if len(r.Diagnostics) != 1 || !strings.Contains(r.Diagnostics[0].Detail, `connection "slow" (id 1005) is still CLOSED`) ||
		!strings.Contains(r.Diagnostics[0].Detail, "Not a failure yet") {
		t.Fatalf("diagnostics %+v", r.Diagnostics)
	}

	// No settle: no waiting, no warnings; ids filter.
	r = read(map[string]tftypes.Value{"ids": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str("1001"), str("1004")})})
	_ = attrs(t, h.ds, r.State)["connections"].As(&conns)
	if len(conns) != 2 || len(r.Diagnostics) != 0 {
		t.Fatalf("ids filter: %d connections, %v", len(conns), r.Diagnostics)
	}
}
