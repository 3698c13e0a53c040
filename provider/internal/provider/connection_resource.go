package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
)

var (
	_ resource.ResourceWithConfigure      = (*connectionResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionResource)(nil)
)

// privateSecretPaths is the private-state key holding the secret paths (never
// values), so Read leaves them out of configuration even if unmasked.
const privateSecretPaths = "secret_paths"

// NewConnectionResource is the iotflow_connection factory.
func NewConnectionResource() resource.Resource { return &connectionResource{} }

type connectionResource struct {
	data *providerData
}

type connectionModel struct {
	ID                 types.String         `tfsdk:"id"`
	Name               types.String         `tfsdk:"name"`
	ConnectorID        types.String         `tfsdk:"connector_id"`
	Brand              types.String         `tfsdk:"brand"`
	Active             types.Bool           `tfsdk:"active"`
	Configuration      jsontypes.Normalized `tfsdk:"configuration"`
	Alarms             jsontypes.Normalized `tfsdk:"alarms"`
	SecretsWO          types.Map            `tfsdk:"secrets_wo"`
	SecretsFingerprint types.String         `tfsdk:"secrets_fingerprint"`
	State              types.String         `tfsdk:"state"`
	StartupTime        types.String         `tfsdk:"startup_time"`
}

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An IoT Flow connection. Secrets go in the write-only `secrets_wo`; they are merged into `configuration` on every create and update and never stored in state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Connection id assigned by the API. Import with this id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Connection name, 1 to 128 visible characters (no control, bidi or line-separator characters). With `connector_id` and `brand` it identifies the connection when checking for an existing one.",
				Validators:          []validator.String{plainName},
			},
			"connector_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Connector id (e.g. an HTTP webhook or MQTT connector). Changing it replaces the connection.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"brand": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Connector brand, when the connector has several.",
			},
			"active": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Whether the connection is active. Unset: not sent (the server default is active).",
			},
			"configuration": schema.StringAttribute{
				Required:            true,
				CustomType:          jsontypes.NormalizedType{},
				MarkdownDescription: "Connector configuration as a JSON object (use `jsonencode`), WITHOUT secrets. Server defaults not set here and masked values are ignored on read.",
			},
			"alarms": schema.StringAttribute{
				Optional:            true,
				CustomType:          jsontypes.NormalizedType{},
				MarkdownDescription: "Alarms as a JSON array (use `jsonencode`), sent as `alarms`.",
			},
			"secrets_wo": schema.MapAttribute{
				Optional:            true,
				WriteOnly:           true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "Write-only secrets: dotted path inside `configuration` (e.g. `headers.webhookSigningKey`), or a query parameter of a URL there (e.g. `destinationURL?authorization`: the URL in state keeps the parameter out or as `*****`), to value. Merged into `configuration` on every create and update; never stored in state or plan. A change is detected through `secrets_fingerprint`.",
			},
			"secrets_fingerprint": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`hmac-sha256:<salt>:<mac>` of the secrets, with a random per-connection salt. Changes when a secret is rotated, so exactly the affected connections are updated.",
			},
			"state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Connection state as last read (OPENING, OPENED, CLOSED, AUTHENTICATING, AUTHENTICATION_FAILED, UNREACHABLE, DEACTIVATED). Applies do not wait for it to settle; use the `iotflow_connections` data source with `settle_timeout_seconds`.",
			},
			"startup_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Startup time reported by the API.",
			},
		},
	}
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// ValidateConfig checks JSON shapes and secret paths when known.
func (r *connectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m connectionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var cfg map[string]any
	if !m.Configuration.IsNull() && !m.Configuration.IsUnknown() {
		v, err := decodeJSON(m.Configuration.ValueString())
		o, ok := v.(map[string]any)
		if err != nil || !ok {
			resp.Diagnostics.AddAttributeError(path.Root("configuration"), "Invalid configuration", "configuration must be a JSON object (use jsonencode({...})).")
		}
		cfg = o
		addClearSecretErrors(cfg, path.Root("configuration"), &resp.Diagnostics)
	}
	if !m.Alarms.IsNull() && !m.Alarms.IsUnknown() {
		v, err := decodeJSON(m.Alarms.ValueString())
		if _, ok := v.([]any); err != nil || !ok {
			resp.Diagnostics.AddAttributeError(path.Root("alarms"), "Invalid alarms", "alarms must be a JSON array (use jsonencode([...])).")
		}
	}
	if m.SecretsWO.IsNull() || m.SecretsWO.IsUnknown() {
		return
	}
	for p := range m.SecretsWO.Elements() {
		at := path.Root("secrets_wo").AtMapKey(p)
		field, param, isQuery := splitQuerySecret(p)
		if field == "" || strings.HasPrefix(field, ".") || strings.HasSuffix(field, ".") || strings.Contains(field, "..") ||
			(isQuery && (param == "" || strings.Contains(param, "?"))) {
			resp.Diagnostics.AddAttributeError(at, "Invalid secret path", fmt.Sprintf("%q is not a dotted path like headers.webhookSigningKey, or a URL field's query parameter like destinationURL?authorization.", p))
			continue
		}
		if cfg != nil {
			if msg := pathConflict(cfg, p); msg != "" {
				resp.Diagnostics.AddAttributeError(at, "Secret path conflicts with configuration", msg)
			}
		}
	}
}

// pathConflict explains why a secret cannot go to p in cfg ("" if it can).
func pathConflict(cfg map[string]any, p string) string {
	if field, param, ok := splitQuerySecret(p); ok {
		return queryPathConflict(cfg, field, param)
	}
	parts := strings.Split(p, ".")
	m := cfg
	for i, part := range parts {
		v, ok := m[part]
		if !ok || v == nil {
			return ""
		}
		if i == len(parts)-1 {
			return fmt.Sprintf("configuration already sets %q; secrets must not also appear in configuration (remove it there).", p)
		}
		child, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("configuration sets %q to a non-object, so the secret %q cannot be placed inside it.", strings.Join(parts[:i+1], "."), p)
		}
		m = child
	}
	return ""
}

// configSecrets reads secrets_wo from the configuration (write-only values
// exist only there). known=false when the map or a value is unknown.
func configSecrets(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) (secrets map[string]string, isNull, known bool) {
	var m types.Map
	diags.Append(cfg.GetAttribute(ctx, path.Root("secrets_wo"), &m)...)
	if diags.HasError() {
		return nil, true, true
	}
	if m.IsUnknown() {
		return nil, false, false
	}
	if m.IsNull() {
		return nil, true, true
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsUnknown() {
			return nil, false, false
		}
		out[k] = s.ValueString()
	}
	return out, false, true
}

func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	secrets, secretsNull, secretsKnown := configSecrets(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if req.State.Raw.IsNull() {
		// Create. The salt is random, so the fingerprint is only known after
		// apply; planning it unknown keeps plan and apply-time plan identical.
		if secretsNull {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secrets_fingerprint"), types.StringNull())...)
		} else {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secrets_fingerprint"), types.StringUnknown())...)
		}
		r.checkNoTakeover(ctx, plan, resp)
		return
	}

	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := plannedFingerprint(state.SecretsFingerprint, secrets, secretsNull, secretsKnown)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secrets_fingerprint"), planned)...)
	if !planned.Equal(state.SecretsFingerprint) {
		// A secrets-only change is still an update: the read-back values
		// change with it, so they cannot be planned as the old ones.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("state"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("startup_time"), types.StringUnknown())...)
	}
}

// plannedFingerprint is the update-case rule: same secrets (same MAC with
// the stored salt) keep the stored value; anything else is unknown until
// apply, except no secrets = null. Deterministic, so the plan and the
// apply-time re-plan agree.
func plannedFingerprint(prior types.String, secrets map[string]string, isNull, known bool) types.String {
	switch {
	case !known:
		return types.StringUnknown()
	case isNull:
		return types.StringNull()
	}
	if prior.IsNull() || prior.IsUnknown() {
		return types.StringUnknown()
	}
	salt, err := FingerprintSalt(prior.ValueString())
	if err != nil {
		return types.StringUnknown()
	}
	if fp := Fingerprint(salt, secrets); fp == prior.ValueString() {
		return prior
	}
	return types.StringUnknown()
}

// checkNoTakeover fails a create plan when the endpoint already has a
// connection with the same connector, brand and name that this state does
// not manage. Uses the process-wide cached listing (one listing per plan).
func (r *connectionResource) checkNoTakeover(ctx context.Context, plan connectionModel, resp *resource.ModifyPlanResponse) {
	if plan.Name.IsUnknown() || plan.ConnectorID.IsUnknown() || plan.Brand.IsUnknown() {
		return
	}
	if r.data == nil || r.data.client == nil {
		return // provider config not known yet; the apply-time re-plan checks
	}
	c := r.data.client
	key := client.Key{ConnectorID: plan.ConnectorID.ValueString(), Brand: plan.Brand.ValueString(), Name: plan.Name.ValueString()}
	found, err := c.FindExisting(ctx, key)
	if err != nil {
		addAPIError(&resp.Diagnostics, c, "check for an existing connection (listing the connections of "+c.BaseURL()+")", err)
		return
	}
	if len(found) == 0 {
		return
	}
	ids := make([]string, len(found))
	for i := range found {
		ids[i] = string(found[i].ID)
	}
	resp.Diagnostics.AddAttributeError(path.Root("name"), "Connection already exists", takeoverMessage(key.Name, c.BaseURL(), ids))
}

func takeoverMessage(name, baseURL string, ids []string) string {
	if len(ids) == 1 {
		return fmt.Sprintf("connection %q already exists on %s with id %s, and this state does not manage it. "+
			"To manage it here, import it (an import block with id %q, or importFrom: %q in the constructs) "+
			"or adopt it by name (adoptExisting: true); or give this connection another name.", name, baseURL, ids[0], ids[0], ids[0])
	}
	return fmt.Sprintf("connection %q already exists on %s with ids %s, and this state does not manage them. "+
		"To manage one here, import it (an import block with its id, or importFrom: \"<id>\" in the constructs), "+
		"or delete the duplicates; or give this connection another name.", name, baseURL, strings.Join(ids, ", "))
}

// connectionInput builds the whole connection for POST/PUT with secrets merged.
func connectionInput(m connectionModel, secrets map[string]string) (client.ConnectionInput, error) {
	cfg, err := MergeSecrets(m.Configuration.ValueString(), secrets)
	if err != nil {
		return client.ConnectionInput{}, err
	}
	in := client.ConnectionInput{Name: m.Name.ValueString(), ConnectorID: m.ConnectorID.ValueString(), Configuration: cfg}
	for _, v := range secrets {
		in.Secrets = append(in.Secrets, v)
	}
	if !m.Brand.IsNull() {
		b := m.Brand.ValueString()
		in.Brand = &b
	}
	if !m.Active.IsNull() {
		a := m.Active.ValueBool()
		in.Active = &a
	}
	if !m.Alarms.IsNull() {
		in.Alarms = json.RawMessage(m.Alarms.ValueString())
	}
	return in, nil
}

// finishWrite fills computed values after a POST/PUT and records the
// secret paths in private state. New or changed secrets get a new MAC under
// the salt of prior (the connection's stored fingerprint), or a fresh salt
// when there is none (create, import, or a fingerprint added later).
func finishWrite(ctx context.Context, m *connectionModel, conn *client.Connection, secrets map[string]string, prior types.String, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, diags *diag.Diagnostics) {
	m.ID = types.StringValue(string(conn.ID))
	m.State = types.StringValue(conn.State)
	m.StartupTime = types.StringValue(string(conn.StartupTime))
	m.SecretsWO = types.MapNull(types.StringType)
	if secrets == nil {
		m.SecretsFingerprint = types.StringNull()
	} else if m.SecretsFingerprint.IsNull() || m.SecretsFingerprint.IsUnknown() {
		salt, err := FingerprintSalt(prior.ValueString())
		if prior.IsNull() || prior.IsUnknown() || err != nil {
			if salt, err = NewSalt(); err != nil {
				diags.AddError("Cannot generate a salt", err.Error())
				return
			}
		}
		m.SecretsFingerprint = types.StringValue(Fingerprint(salt, secrets))
	}
	paths, _ := json.Marshal(SecretPaths(secrets))
	diags.Append(private.SetKey(ctx, privateSecretPaths, paths)...)
}

// writeRequest is what a POST or PUT needs: the client, the planned model,
// the write-only secrets from the configuration, and the body. ok is false
// once an error is in diags.
func (r *connectionResource) writeRequest(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, diags *diag.Diagnostics) (c *client.Client, m connectionModel, secrets map[string]string, in client.ConnectionInput, ok bool) {
	if c = needClient(r.data, diags); c == nil {
		return
	}
	diags.Append(plan.Get(ctx, &m)...)
	secrets, _, _ = configSecrets(ctx, config, diags)
	if diags.HasError() {
		return
	}
	in, err := connectionInput(m, secrets)
	if err != nil {
		diags.AddAttributeError(path.Root("secrets_wo"), "Cannot build the connection", err.Error())
		return
	}
	return c, m, secrets, in, true
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	c, plan, secrets, in, ok := r.writeRequest(ctx, req.Plan, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	conn, evidence, err := c.Create(ctx, in)
	if err != nil {
		addAPIError(&resp.Diagnostics, c, fmt.Sprintf("create connection %q", plan.Name.ValueString()), err, in.Secrets...)
		return
	}
	if evidence != "" {
		resp.Diagnostics.AddWarning("Connection recovered after a lost answer", evidence)
	}
	tflog.Info(ctx, "created connection", map[string]any{"id": string(conn.ID), "name": conn.Name})
	// State keeps configuration as declared, not the server echo.
	plan.SecretsFingerprint = types.StringUnknown() // always a fresh salt on create
	finishWrite(ctx, &plan, conn, secrets, types.StringNull(), resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	c := needClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	var st connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, err := c.Get(ctx, st.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "connection gone; removing from state", map[string]any{"id": st.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, c, "read connection "+st.ID.ValueString(), err)
		return
	}
	var paths []string
	if b, d := req.Private.GetKey(ctx, privateSecretPaths); !d.HasError() && len(b) > 0 {
		_ = json.Unmarshal(b, &paths)
	}
	next, diags := reconcileModel(st, conn, paths)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// reconcileModel applies the drift rules of reconcile.go to a whole model.
func reconcileModel(st connectionModel, conn *client.Connection, secretPaths []string) (connectionModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	prior := ""
	if !st.Configuration.IsNull() && !st.Configuration.IsUnknown() {
		prior = st.Configuration.ValueString()
	}
	cfg, err := ReconcileConfiguration(prior, string(conn.Configuration), secretPaths)
	if err != nil {
		diags.AddAttributeError(path.Root("configuration"), "Cannot reconcile configuration", err.Error())
		return st, diags
	}
	priorAlarms := ""
	if !st.Alarms.IsNull() && !st.Alarms.IsUnknown() {
		priorAlarms = st.Alarms.ValueString()
	}
	alarms, err := ReconcileAlarms(priorAlarms, string(conn.Alarms))
	if err != nil {
		diags.AddAttributeError(path.Root("alarms"), "Cannot reconcile alarms", err.Error())
		return st, diags
	}
	next := st // the id stays the state's: client.Get refuses an answer about another one
	next.Name = types.StringValue(conn.Name)
	next.ConnectorID = types.StringValue(conn.ConnectorID)
	next.Configuration = jsontypes.NewNormalizedValue(cfg)
	next.Alarms = jsontypes.NewNormalizedNull()
	if alarms != "" {
		next.Alarms = jsontypes.NewNormalizedValue(alarms)
	}
	next.Brand = types.StringPointerValue(ReconcileBrand(conn.Brand))
	var priorActive *bool
	if !st.Active.IsNull() && !st.Active.IsUnknown() {
		v := st.Active.ValueBool()
		priorActive = &v
	}
	next.Active = types.BoolPointerValue(ReconcileActive(priorActive, conn.Active))
	next.State = types.StringValue(conn.State)
	next.StartupTime = types.StringValue(string(conn.StartupTime))
	next.SecretsWO = types.MapNull(types.StringType)
	if next.SecretsFingerprint.IsUnknown() {
		next.SecretsFingerprint = types.StringNull()
	}
	return next, diags
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	c, plan, secrets, in, ok := r.writeRequest(ctx, req.Plan, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	var state connectionModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	conn, err := c.Update(ctx, id, in)
	if err == nil && conn == nil {
		conn, err = c.Get(ctx, id) // empty PUT answer: read the result
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, c, "update connection "+id, err, in.Secrets...)
		return
	}
	if conn.ID == "" {
		conn.ID = client.FlexString(id)
	}
	finishWrite(ctx, &plan, conn, secrets, state.SecretsFingerprint, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	c := needClient(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	var st connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.Delete(ctx, st.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, c, "delete connection "+st.ID.ValueString(), err)
	}
}
