package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
)

// MaxNameLength bounds a connection name, as the constructs do.
const MaxNameLength = 128

// stringRule is a declarative string validator: problem says what is wrong with a value ("" if nothing),
// without ever repeating a password. Null and unknown values are left to later phases.
type stringRule struct {
	description string
	problem     func(string) string
}

func (r stringRule) Description(context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := r.problem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+": "+msg)
	}
}

// apiURL validates base_url and token_url with client.CheckAPIURL (https, or http on loopback; no
// user:password@, no ?query or #fragment).
var apiURL = stringRule{
	description: "an https URL (http only on localhost, 127.0.0.0/8 or [::1]) without user:password@, ?query or #fragment",
	problem: func(v string) string {
		if _, err := client.CheckAPIURL(v); err != nil {
			return err.Error() + "."
		}
		return ""
	},
}

// plainName refuses what makes a name lie on screen or break a line: control characters, bidi overrides
// and isolates, line and paragraph separators, invalid UTF-8 (a lone surrogate), and blank names.
var plainName = stringRule{
	description: "a visible name without control, bidi or line-separator characters",
	problem:     nameProblem,
}

// nameProblem says what is wrong with a name ("" if nothing): the rule the shared case table checks.
func nameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return "the name is empty or blank; give the connection a visible name."
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return fmt.Sprintf("the name has %d characters; use at most %d.", n, MaxNameLength)
	}
	for i, r := range name {
		if r == utf8.RuneError {
			return fmt.Sprintf("the name holds invalid UTF-8 (a lone surrogate?) at byte %d; remove it.", i)
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("the name holds the invisible character U+%04X at byte %d (control, bidi or line separator: it would make the name read differently in plans and reviews); remove it.", r, i)
		}
	}
	return ""
}

// maskedFields are configuration fields the API treats as secrets (it reads them back masked), outside
// headers; a header is a secret when facts.IsCredentialHeader says so. The provider knows paths, never brands.
var maskedFields = map[string]bool{"downlinkAsKey": true, "password": true, "secretAccessKey": true, "accessKeyId": true, "certificate": true}

// clearSecretPaths lists the dotted paths where cfg holds a secret in clear: a masked field or a
// credential header with a non-empty value. Such a value would be stored in state; it belongs in
// secrets_wo.
func clearSecretPaths(cfg map[string]any) []string {
	var out []string
	for k, v := range cfg {
		if s, ok := v.(string); ok && maskedFields[k] && s != "" && s != facts.Mask() {
			out = append(out, k)
		}
	}
	if headers, ok := cfg["headers"].(map[string]any); ok {
		for k, v := range headers {
			if s, ok := v.(string); ok && facts.IsCredentialHeader(k) && s != "" && s != facts.Mask() {
				out = append(out, "headers."+k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// addClearSecretErrors reports each clear secret of configuration, naming the path, never the value.
func addClearSecretErrors(cfg map[string]any, at path.Path, diags interface {
	AddAttributeError(path.Path, string, string)
}) {
	for _, p := range clearSecretPaths(cfg) {
		diags.AddAttributeError(at, "Secret in configuration",
			fmt.Sprintf("configuration holds a value at %q, a field the API treats as a secret: it would be stored in the state in clear. "+
				"Remove it from configuration and pass it in secrets_wo instead: secrets_wo = { %q = var.<a sensitive variable> }.", p, p))
	}
}
