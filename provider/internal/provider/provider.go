// Package provider implements the iotflow Terraform/OpenTofu provider.
package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
)

var (
	_ provider.Provider                   = (*IoTFlowProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*IoTFlowProvider)(nil)
)

// IoTFlowProvider is the provider; one instance per provider process.
type IoTFlowProvider struct {
	version string
	// configure lets tests tune the client (short backoff); nil in production.
	configure func(*client.Client)
}

type providerModel struct {
	BaseURL               types.String `tfsdk:"base_url"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecret          types.String `tfsdk:"client_secret"`
	TokenURL              types.String `tfsdk:"token_url"`
	BearerToken           types.String `tfsdk:"bearer_token"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	RequestTimeoutSeconds types.Int64  `tfsdk:"request_timeout_seconds"`
}

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &IoTFlowProvider{version: version} }
}

// newWithClientHook is New for tests.
func newWithClientHook(version string, hook func(*client.Client)) func() provider.Provider {
	return func() provider.Provider { return &IoTFlowProvider{version: version, configure: hook} }
}

// Metadata implements provider.Provider.
func (p *IoTFlowProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "iotflow"
	resp.Version = p.version
}

// Schema implements provider.Provider.
func (p *IoTFlowProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages connections of the ThingPark X IoT Flow Connections API. Authenticate with OAuth2 client credentials (`client_id` + `client_secret`) or a ready `bearer_token`.",
		Attributes: map[string]schema.Attribute{
			"base_url": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Base URL of the IoT Flow API, e.g. `https://host/iot-flow/v1`. Trailing slashes are trimmed. https, or http on a loopback host (a local emulator); no `user:password@`, `?query` or `#fragment`.",
				Validators:          []validator.String{apiURL},
			},
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "OAuth2 client id (client credentials grant). Requires `client_secret`; excludes `bearer_token`.",
			},
			"client_secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "OAuth2 client secret. May come from an ephemeral variable; never stored or logged.",
			},
			"token_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "OAuth2 token endpoint. Default: `<scheme://host[:port] of base_url>" + facts.TokenPath() + "`. Same rules as `base_url`.",
				Validators:          []validator.String{apiURL},
			},
			"bearer_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "A ready bearer token, instead of `client_id`/`client_secret`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Retries of a call answered 429/502/503/504 or lost in transport. Default 3 (0 to 100).",
				Validators:          []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout_seconds": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Deadline of each HTTP attempt, in seconds. Default 30 (1 to 3600).",
				Validators:          []validator.Int64{int64validator.Between(1, 3600)},
			},
		},
	}
}

// validateProviderConfig checks the authentication mode when known; unknown
// values are left to Configure (they may be known by apply time). The
// attribute validators of the schema check each value.
func validateProviderConfig(m providerModel) diag.Diagnostics {
	var diags diag.Diagnostics
	set := func(v types.String) bool { return !v.IsNull() && (v.IsUnknown() || v.ValueString() != "") }
	hasID, hasSecret, hasBearer := set(m.ClientID), set(m.ClientSecret), set(m.BearerToken)
	switch {
	case hasBearer && (hasID || hasSecret):
		diags.AddAttributeError(path.Root("bearer_token"), "Conflicting authentication",
			"Set either client_id and client_secret (OAuth2 client credentials), or bearer_token, not both.")
	case hasID && !hasSecret:
		diags.AddAttributeError(path.Root("client_secret"), "Missing client_secret", "client_id is set, so client_secret is required.")
	case hasSecret && !hasID:
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id", "client_secret is set, so client_id is required.")
	case !hasID && !hasSecret && !hasBearer:
		diags.AddAttributeError(path.Root("client_id"), "Missing authentication",
			"Set client_id and client_secret (OAuth2 client credentials), or bearer_token.")
	}
	return diags
}

// ValidateConfig implements provider.ProviderWithValidateConfig.
func (p *IoTFlowProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateProviderConfig(m)...)
}

// providerData is handed to resources and data sources. client is nil when
// the configuration was not known yet (e.g. base_url from another resource).
type providerData struct {
	client *client.Client
	reason string // why client is nil
}

// Configure implements provider.Provider.
func (p *IoTFlowProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"base_url": m.BaseURL, "client_id": m.ClientID, "client_secret": m.ClientSecret, "token_url": m.TokenURL,
		"bearer_token": m.BearerToken, "max_retries": m.MaxRetries, "request_timeout_seconds": m.RequestTimeoutSeconds,
	} {
		if v.IsUnknown() {
			// Known only after apply: plan without API access; anything that
			// really needs the API reports this reason.
			data := &providerData{reason: "the provider configuration value " + name + " is not known yet (it depends on something not created yet)"}
			resp.ResourceData, resp.DataSourceData = data, data
			return
		}
	}
	resp.Diagnostics.Append(validateProviderConfig(m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := client.Config{
		BaseURL:      m.BaseURL.ValueString(),
		TokenURL:     m.TokenURL.ValueString(),
		ClientID:     m.ClientID.ValueString(),
		ClientSecret: m.ClientSecret.ValueString(),
		BearerToken:  m.BearerToken.ValueString(),
		MaxRetries:   -1,
		UserAgent:    "terraform-provider-iotflow/" + p.version,
		Logf: func(ctx context.Context, msg string, fields map[string]any) {
			tflog.Debug(ctx, msg, fields)
		},
	}
	if !m.MaxRetries.IsNull() {
		cfg.MaxRetries = int(m.MaxRetries.ValueInt64())
	}
	if !m.RequestTimeoutSeconds.IsNull() {
		cfg.RequestTimeout = time.Duration(m.RequestTimeoutSeconds.ValueInt64()) * time.Second
	}
	// Configure repeats the attribute checks: values unknown at validate time
	// (from another resource) were not seen by the validators.
	for name, v := range map[string]types.String{"base_url": m.BaseURL, "token_url": m.TokenURL} {
		if !v.IsNull() && v.ValueString() != "" {
			if _, err := client.CheckAPIURL(v.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Invalid "+name, name+": "+err.Error()+".")
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := client.New(cfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Cannot configure the iotflow provider", err.Error())
		return
	}
	if p.configure != nil {
		p.configure(c)
	}
	data := &providerData{client: c}
	resp.ResourceData, resp.DataSourceData = data, data
}

// Resources implements provider.Provider.
func (p *IoTFlowProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewConnectionResource}
}

// DataSources implements provider.Provider.
func (p *IoTFlowProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewConnectionsDataSource}
}

// clientFrom extracts provider data for resources and data sources.
func clientFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil // provider not configured yet (early validation calls)
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a provider bug", data))
		return nil
	}
	return pd
}

// needClient returns the client or adds an error saying why there is none.
func needClient(pd *providerData, diags *diag.Diagnostics) *client.Client {
	if pd != nil && pd.client != nil {
		return pd.client
	}
	reason := "the provider was not configured"
	if pd != nil && pd.reason != "" {
		reason = pd.reason
	}
	diags.AddError("iotflow provider not configured", "Cannot call the IoT Flow API: "+reason+".")
	return nil
}
