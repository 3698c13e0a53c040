package provider

// Moving a connection managed by release 0.1 of the constructs (a
// restful_resource of magodo/restful) to iotflow_connection, driven by a
// `moved { from = restful_resource.X, to = iotflow_connection.X }` block: the
// state is rewritten, the connection is neither deleted nor created.

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithMoveState = (*connectionResource)(nil)

// restfulSource is the provider (namespace/type) and resource type 0.1 used.
const (
	restfulProvider = "magodo/restful"
	restfulType     = "restful_resource"
)

// MoveState accepts a restful_resource of magodo/restful. SourceSchema is
// nil on purpose: the raw JSON is read, so any restful schema version with
// `body`, `id` and `output` works.
func (r *connectionResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveFromRestful}}
}

func moveFromRestful(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if req.SourceTypeName != restfulType || !isRestfulProvider(req.SourceProviderAddress) {
		return // not ours: the framework reports that no mover matched
	}
	if req.SourceRawState == nil || len(req.SourceRawState.JSON) == 0 {
		resp.Diagnostics.AddError("Cannot move restful_resource", "The source state has no JSON attributes (flatmap state is not supported).")
		return
	}
	moved, secretPaths, err := connectionFromRestful(req.SourceRawState.JSON)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move restful_resource to iotflow_connection", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &moved)...)
	if resp.Diagnostics.HasError() || resp.TargetPrivate == nil {
		return
	}
	// Read leaves these paths out of configuration, as after a create.
	paths, _ := json.Marshal(secretPaths)
	resp.Diagnostics.Append(resp.TargetPrivate.SetKey(ctx, privateSecretPaths, paths)...)
}

// isRestfulProvider matches HOSTNAME/magodo/restful on any registry host
// (registry.opentofu.org, registry.terraform.io, or a mirror's).
func isRestfulProvider(addr string) bool {
	parts := strings.Split(strings.ToLower(addr), "/")
	return len(parts) >= 2 && strings.Join(parts[len(parts)-2:], "/") == restfulProvider
}

// connectionFromRestful builds the iotflow_connection state from restful's
// raw state JSON: the id from output.id (else the last segment of id), the
// connection fields from body, without the secrets (the paths in
// write_only_attrs, and any masked value). The fingerprint stays null, so
// the first apply sends the secrets once (one PUT) and records it.
func connectionFromRestful(raw []byte) (connectionModel, []string, error) {
	var src struct {
		ID             *string         `json:"id"`
		Body           json.RawMessage `json:"body"`
		Output         json.RawMessage `json:"output"`
		WriteOnlyAttrs []string        `json:"write_only_attrs"`
	}
	var m connectionModel
	if err := json.Unmarshal(raw, &src); err != nil {
		return m, nil, fmt.Errorf("the source state is not a JSON object: %v", err)
	}
	body, err := dynamicObject(src.Body, "body")
	if err != nil {
		return m, nil, err
	}
	output, err := dynamicObject(src.Output, "output")
	if err != nil {
		return m, nil, err
	}

	id := scalarText(output["id"])
	if id == "" && src.ID != nil {
		id = (*src.ID)[strings.LastIndex(*src.ID, "/")+1:]
	}
	if id == "" {
		return m, nil, fmt.Errorf("the source state has no connection id (neither output.id nor id)")
	}
	name, ok := body["name"].(string)
	if !ok || name == "" {
		return m, nil, fmt.Errorf("connection %s: body.name is missing or not a string", id)
	}
	connector, ok := body["connectorId"].(string)
	if !ok || connector == "" {
		return m, nil, fmt.Errorf("connection %s: body.connectorId is missing or not a string", id)
	}

	secretPaths := []string{}
	secrets := map[string]bool{}
	for _, p := range src.WriteOnlyAttrs {
		if rest, ok := strings.CutPrefix(p, "configuration."); ok && rest != "" {
			secretPaths = append(secretPaths, rest)
			secrets[rest] = true
		}
	}
	sort.Strings(secretPaths)

	cfg := map[string]any{}
	if v, present := body["configuration"]; present && v != nil {
		o, ok := v.(map[string]any)
		if !ok {
			return m, nil, fmt.Errorf("connection %s: body.configuration is not an object", id)
		}
		if stripped, ok := stripUnknowable(withoutNulls(o), "", secrets); ok {
			cfg = stripped.(map[string]any)
		}
	}
	cfgText, err := encodeJSON(cfg)
	if err != nil {
		return m, nil, err
	}

	m.ID = types.StringValue(id)
	m.Name = types.StringValue(name)
	m.ConnectorID = types.StringValue(connector)
	m.Brand = types.StringNull()
	if b, ok := body["brand"].(string); ok && b != "" {
		m.Brand = types.StringValue(b)
	}
	m.Active = types.BoolNull()
	if a, ok := body["active"].(bool); ok {
		m.Active = types.BoolValue(a)
	}
	m.Configuration = jsontypes.NewNormalizedValue(cfgText)
	m.Alarms = jsontypes.NewNormalizedNull()
	if a, ok := body["alarms"].([]any); ok && len(a) > 0 {
		text, err := encodeJSON(a)
		if err != nil {
			return m, nil, err
		}
		m.Alarms = jsontypes.NewNormalizedValue(text)
	}
	m.SecretsWO = types.MapNull(types.StringType)
	m.SecretsFingerprint = types.StringNull()
	m.State = types.StringNull()
	if s := scalarText(output["state"]); s != "" {
		m.State = types.StringValue(s)
	}
	m.StartupTime = types.StringNull()
	return m, secretPaths, nil
}

// dynamicObject decodes a restful attribute that holds a JSON object: a
// dynamic value as state stores it ({"value": ..., "type": ...}), JSON text
// (older restful versions kept body as a string), or the object itself.
// Missing or null gives an empty object.
func dynamicObject(raw json.RawMessage, what string) (map[string]any, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return map[string]any{}, nil
	}
	v, err := decodeJSON(text)
	if err != nil {
		return nil, fmt.Errorf("%s in the source state is not JSON: %v", what, err)
	}
	if s, ok := v.(string); ok {
		if v, err = decodeJSON(s); err != nil {
			return nil, fmt.Errorf("%s in the source state is a string but not JSON: %v", what, err)
		}
	}
	o, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return map[string]any{}, nil
		}
		return nil, fmt.Errorf("%s in the source state is not an object", what)
	}
	if inner, hasValue := o["value"]; hasValue && len(o) == 2 {
		if _, hasType := o["type"]; hasType {
			if inner == nil {
				return map[string]any{}, nil
			}
			io, ok := inner.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s in the source state is not an object", what)
			}
			return io, nil
		}
	}
	return o, nil
}

// scalarText is a string, number or bool as text ("" for anything else).
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

// withoutNulls drops null members of objects (an imported 0.1 body's shape
// holds null leaves), recursively.
func withoutNulls(o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		if v == nil {
			continue
		}
		if child, ok := v.(map[string]any); ok {
			v = withoutNulls(child)
		}
		out[k] = v
	}
	return out
}
