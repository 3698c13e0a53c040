package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

// settleRead reads the data source with a settle wait and returns the
// requests it made.
func settleRead(t *testing.T, h *harness, fake *fakeapi.Server) []string {
	t.Helper()
	before := len(fake.Requests)
	// The wait ends when the fake's connections settle (a count of reads); the timeout only bounds a
	// failing run, wide enough that a loaded machine never reaches it.
	cfg := h.dv(h.ds, map[string]tftypes.Value{"settle_timeout_seconds": tftypes.NewValue(tftypes.Number, 60)})
	r, err := h.srv.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "iotflow_connections", Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	h.noErrors("read data source", r.Diagnostics)
	if len(r.Diagnostics) != 0 {
		t.Fatalf("diagnostics %+v", r.Diagnostics)
	}
	return append([]string(nil), fake.Requests[before:]...)
}

func putConnections(fake *fakeapi.Server, n int) {
	for i := 0; i < n; i++ {
		fake.Put(map[string]any{"name": fmt.Sprintf("c%d", i), "connectorId": "http-webhook", "configuration": map[string]any{}})
	}
}

func TestASettleWaitRereadsOnlyTheConnectionStillOnItsWayById(t *testing.T) {
	fake := fakeapi.New(t)
	fake.SettleReads = 2 // CLOSED, OPENING, then OPENED
	putConnections(fake, 150)
	h := newHarness(t, fake, nil)
	for i := 0; i < 2; i++ { // the 150 are settled by the next read
		if _, err := h.client.ListAll(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	late := fake.Put(map[string]any{"name": "late", "connectorId": "http-webhook", "configuration": map[string]any{}})

	got := settleRead(t, h, fake)
	want := []string{"GET /connections?pageIndex=1", "GET /connections?pageIndex=2", "GET /connections/" + late, "GET /connections/" + late}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests %q, want %q", got, want)
	}
}

func TestASettleWaitWithManyOnTheWayTakesOneListingPerPoll(t *testing.T) {
	fake := fakeapi.New(t)
	fake.SettleReads = 2
	putConnections(fake, 150)
	h := newHarness(t, fake, nil)

	got := settleRead(t, h, fake)
	page := []string{"GET /connections?pageIndex=1", "GET /connections?pageIndex=2"}
	want := append(append(append([]string{}, page...), page...), page...) // CLOSED, OPENING, OPENED
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests %q, want %q", got, want)
	}
}
