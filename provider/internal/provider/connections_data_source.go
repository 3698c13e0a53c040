package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure      = (*connectionsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*connectionsDataSource)(nil)
)

// NewConnectionsDataSource is the iotflow_connections factory.
func NewConnectionsDataSource() datasource.DataSource { return &connectionsDataSource{} }

type connectionsDataSource struct {
	data *providerData
}

type connectionsModel struct {
	ID                   types.String          `tfsdk:"id"`
	ConnectorID          types.String          `tfsdk:"connector_id"`
	Brand                types.String          `tfsdk:"brand"`
	Name                 types.String          `tfsdk:"name"`
	IDs                  types.List            `tfsdk:"ids"`
	SettleTimeoutSeconds types.Int64           `tfsdk:"settle_timeout_seconds"`
	Connections          []connectionItemModel `tfsdk:"connections"`
}

type connectionItemModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	ConnectorID types.String `tfsdk:"connector_id"`
	Brand       types.String `tfsdk:"brand"`
	Active      types.Bool   `tfsdk:"active"`
	State       types.String `tfsdk:"state"`
	StartupTime types.String `tfsdk:"startup_time"`
}

func (d *connectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connections"
}

func (d *connectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists connections (all pages, always fresh), optionally filtered, and optionally waits for them to settle and warns about those not in their expected state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Hash of the filters (for tooling that expects an id).",
			},
			"connector_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connections of this connector.",
			},
			"brand": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connections of this brand.",
			},
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only connections with this exact name.",
			},
			// A list, not a set: the framework compares set elements pairwise
			// (quadratic), a 1000-id read-back spent a sixth of the provider's
			// CPU there. Order and repeats do not matter here.
			"ids": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Only connections with these ids (order and repeats do not matter).",
			},
			"settle_timeout_seconds": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "When > 0, re-list while a matched connection is CLOSED, OPENING or AUTHENTICATING, up to this many seconds, " +
					"then warn about connections not OPENED (or DEACTIVATED when inactive). Default 0: no wait, no warnings.",
			},
			"connections": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The matched connections, in API order.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Connection id."},
						"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Connection name."},
						"connector_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Connector id."},
						"brand":        schema.StringAttribute{Computed: true, MarkdownDescription: "Brand, null when none."},
						"active":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the connection is active (server default true)."},
						"state":        schema.StringAttribute{Computed: true, MarkdownDescription: "Connection state."},
						"startup_time": schema.StringAttribute{Computed: true, MarkdownDescription: "Startup time."},
					},
				},
			},
		},
	}
}

func (d *connectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var t types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("settle_timeout_seconds"), &t)...)
	if !t.IsNull() && !t.IsUnknown() && (t.ValueInt64() < 0 || t.ValueInt64() > 86400) {
		resp.Diagnostics.AddAttributeError(path.Root("settle_timeout_seconds"), "Invalid settle_timeout_seconds", "settle_timeout_seconds must be between 0 and 86400.")
	}
}

// connectionFilter selects connections; empty fields match everything.
type connectionFilter struct {
	ConnectorID, Brand, Name string
	IDs                      map[string]bool // nil = any
}

func (f connectionFilter) match(c *client.Connection) bool {
	return (f.ConnectorID == "" || c.ConnectorID == f.ConnectorID) &&
		(f.Brand == "" || c.BrandValue() == f.Brand) &&
		(f.Name == "" || c.Name == f.Name) &&
		(f.IDs == nil || f.IDs[string(c.ID)])
}

func (f connectionFilter) apply(all []client.Connection) []client.Connection {
	var out []client.Connection
	for i := range all {
		if f.match(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out
}

func (f connectionFilter) hash() string {
	ids := make([]string, 0, len(f.IDs))
	for id := range f.IDs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	sum := sha256.Sum256([]byte(strings.Join([]string{f.ConnectorID, f.Brand, f.Name, strings.Join(ids, ",")}, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// expectedState is where a settled connection should be.
func expectedState(c *client.Connection) string {
	if c.Active != nil && !*c.Active {
		return client.StateDeactivated
	}
	return client.StateOpened
}

// closedGrace bounds how long CLOSED counts as "not started yet" for a
// connection that should open: the docs say a started connection stays
// CLOSED "during a short period" before OPENING, while an HTTP connection
// whose destination is unreachable ends CLOSED. CLOSED after OPENING, or
// past the grace, is therefore a result, not a step.
const closedGrace = 15 * time.Second

// settling follows the listed connections across polls, telling a
// connection on its way (CLOSED at first, OPENING, AUTHENTICATING, or
// anything short of DEACTIVATED while it stops) from one that has ended
// somewhere else.
type settling struct {
	started  time.Time
	grace    time.Duration
	progress map[client.FlexString]bool // seen OPENING or AUTHENTICATING
}

func newSettling() *settling {
	return &settling{started: time.Now(), grace: closedGrace, progress: map[client.FlexString]bool{}}
}

func (s *settling) observe(conns []client.Connection) {
	for i := range conns {
		if conns[i].State == client.StateOpening || conns[i].State == client.StateAuthenticating {
			s.progress[conns[i].ID] = true
		}
	}
}

func (s *settling) onTheWay(c *client.Connection) bool {
	want := expectedState(c)
	switch {
	case c.State == want:
		return false
	case want == client.StateDeactivated:
		// Stopping takes up to a minute; any state short of DEACTIVATED is on the way.
		return true
	case c.State == client.StateClosed:
		return !s.progress[c.ID] && time.Since(s.started) < s.grace
	default:
		return client.IsTransitional(c.State)
	}
}

func (s *settling) anyOnTheWay(conns []client.Connection) bool {
	for i := range conns {
		if s.onTheWay(&conns[i]) {
			return true
		}
	}
	return false
}

// report describes the connections not where they should be, in one text (a
// 1000-connection stack must not print 1000 warnings). "" = all fine.
func (s *settling) report(conns []client.Connection, timeout time.Duration) string {
	var lines []string
	for i := range conns {
		c := &conns[i]
		want := expectedState(c)
		switch {
		case c.State == want:
		case s.onTheWay(c):
			lines = append(lines, fmt.Sprintf("connection %q (id %s) is still %s after %s (settle_timeout_seconds); expected %s. "+
				"Not a failure yet: it may still settle, check again later.", c.Name, c.ID, c.State, timeout, want))
		default:
			lines = append(lines, fmt.Sprintf("connection %q (id %s) is %s; expected %s", c.Name, c.ID, c.State, want))
		}
	}
	return strings.Join(lines, "\n")
}

// listingCost is the number of GETs a listing of n connections takes: its
// full pages and the short (or empty) one that ends it.
func listingCost(n int) int { return n/client.PageSize + 1 }

// poll reads again only what is still on its way: each such connection by id
// while that costs no more GETs than a listing of the endpoint (listed is the
// size of the first listing), else one fresh listing. A connection gone
// meanwhile (404) drops out. Order is kept.
func poll(ctx context.Context, c *client.Client, f connectionFilter, watch *settling, matched []client.Connection, listed int) ([]client.Connection, error) {
	var pending []int
	for i := range matched {
		if watch.onTheWay(&matched[i]) {
			pending = append(pending, i)
		}
	}
	if len(pending) > listingCost(listed) {
		all, err := c.ListAll(ctx)
		if err != nil {
			return nil, err
		}
		return f.apply(all), nil
	}
	gone := map[int]bool{}
	for _, i := range pending {
		conn, err := c.Get(ctx, string(matched[i].ID))
		switch {
		case client.IsNotFound(err):
			gone[i] = true
		case err != nil:
			return nil, err
		default:
			matched[i] = *conn
		}
	}
	if len(gone) == 0 {
		return matched, nil
	}
	kept := matched[:0]
	for i := range matched {
		if !gone[i] {
			kept = append(kept, matched[i])
		}
	}
	return kept, nil
}

func (d *connectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := needClient(d.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	var m connectionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := connectionFilter{ConnectorID: m.ConnectorID.ValueString(), Brand: m.Brand.ValueString(), Name: m.Name.ValueString()}
	if !m.IDs.IsNull() {
		var ids []string
		resp.Diagnostics.Append(m.IDs.ElementsAs(ctx, &ids, false)...)
		f.IDs = map[string]bool{}
		for _, id := range ids {
			f.IDs[id] = true
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := c.ListAll(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, c, "list connections", err)
		return
	}
	matched := f.apply(all)
	// This listing follows the run's creates (the read-back depends on them):
	// a same-name twin of one of them is a race with another stack.
	for _, race := range c.Twins(all) {
		addAPIError(&resp.Diagnostics, c, "check the connections this run created", race)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	settle := time.Duration(m.SettleTimeoutSeconds.ValueInt64()) * time.Second
	if settle > 0 {
		deadline := time.Now().Add(settle)
		interval := c.SettlePollInterval
		watch := newSettling()
		watch.observe(matched)
		for watch.anyOnTheWay(matched) && time.Now().Before(deadline) {
			wait := min(interval, time.Until(deadline))
			select {
			case <-ctx.Done():
				resp.Diagnostics.AddError("Cancelled while waiting for connections to settle", ctx.Err().Error())
				return
			case <-time.After(wait):
			}
			interval = min(interval*3/2, 4*c.SettlePollInterval)
			if matched, err = poll(ctx, c, f, watch, matched, len(all)); err != nil {
				addAPIError(&resp.Diagnostics, c, "read connections", err)
				return
			}
			watch.observe(matched)
		}
		if report := watch.report(matched, settle); report != "" {
			resp.Diagnostics.AddWarning("Connections not in their expected state", report)
		}
	}

	m.ID = types.StringValue(f.hash())
	m.Connections = make([]connectionItemModel, 0, len(matched))
	for i := range matched {
		cn := &matched[i]
		active := true
		if cn.Active != nil {
			active = *cn.Active
		}
		m.Connections = append(m.Connections, connectionItemModel{
			ID:          types.StringValue(string(cn.ID)),
			Name:        types.StringValue(cn.Name),
			ConnectorID: types.StringValue(cn.ConnectorID),
			Brand:       types.StringPointerValue(ReconcileBrand(cn.Brand)),
			Active:      types.BoolValue(active),
			State:       types.StringValue(cn.State),
			StartupTime: types.StringValue(string(cn.StartupTime)),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
