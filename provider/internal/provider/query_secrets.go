package provider

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
)

// A secret path may address a query parameter of a string field of
// configuration: "destinationURL?authorization" puts the secret into the
// URL at configuration.destinationURL as ?authorization=<secret>. The URL
// stored in state and shown in plans never holds the secret: the declared
// URL either leaves the parameter out or holds a placeholder (the mask),
// and reads keep that, whatever the server answers.

// splitQuerySecret splits "field?param" into its field path and parameter.
func splitQuerySecret(p string) (field, param string, ok bool) {
	field, param, ok = strings.Cut(p, "?")
	return field, param, ok
}

// querySecretParams lists the query parameters that secrets place into the
// string field at path, sorted.
func querySecretParams(secrets map[string]bool, path string) []string {
	var params []string
	for p := range secrets {
		if field, param, ok := splitQuerySecret(p); ok && field == path {
			params = append(params, param)
		}
	}
	sort.Strings(params)
	return params
}

// splitURL cuts a URL into what precedes the query, the query's
// parameters (raw, in order) and the fragment (with its #).
func splitURL(raw string) (base string, params []string, fragment string) {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw, fragment = raw[:i], raw[i:]
	}
	base, query, _ := strings.Cut(raw, "?")
	if query != "" {
		params = strings.Split(query, "&")
	}
	return base, params, fragment
}

func paramName(kv string) string {
	k, _, _ := strings.Cut(kv, "=")
	if name, err := url.QueryUnescape(k); err == nil {
		return name
	}
	return k
}

// rawQueryValue is the raw (still encoded) value of the parameter name.
func rawQueryValue(raw, name string) (string, bool) {
	_, params, _ := splitURL(raw)
	for _, kv := range params {
		if paramName(kv) == name {
			_, v, _ := strings.Cut(kv, "=")
			return v, true
		}
	}
	return "", false
}

// withRawQueryValue returns raw with the parameter name set to rawValue
// (appended when absent), or removed when rawValue is nil. Every other byte
// of the URL is kept as it was.
func withRawQueryValue(raw, name string, rawValue *string) string {
	base, params, fragment := splitURL(raw)
	out := make([]string, 0, len(params)+1)
	set := false
	for _, kv := range params {
		if paramName(kv) != name {
			out = append(out, kv)
			continue
		}
		if rawValue != nil && !set {
			out = append(out, url.QueryEscape(name)+"="+*rawValue)
			set = true
		}
	}
	if rawValue != nil && !set {
		out = append(out, url.QueryEscape(name)+"="+*rawValue)
	}
	if len(out) == 0 {
		return base + fragment
	}
	return base + "?" + strings.Join(out, "&") + fragment
}

// withQuerySecret puts the secret, query-encoded, into the URL.
func withQuerySecret(raw, name, secret string) string {
	v := url.QueryEscape(secret)
	return withRawQueryValue(raw, name, &v)
}

// keepQuerySecretsOut rewrites a URL the server returned so that the secret
// parameters read as the prior URL has them: the prior's placeholder, or
// absent when the prior left them out; the mask when there is no prior
// (import). A parameter the server lacks stays lacking (the plan restores
// it). The result never holds a secret the server echoed.
func keepQuerySecretsOut(server string, prior any, hasPrior bool, params []string) string {
	priorURL, priorIsString := prior.(string)
	for _, name := range params {
		if _, ok := rawQueryValue(server, name); !ok {
			continue
		}
		mask := facts.Mask()
		keep := &mask
		if hasPrior && priorIsString {
			if v, ok := rawQueryValue(priorURL, name); ok {
				keep = &v
			} else {
				keep = nil
			}
		}
		server = withRawQueryValue(server, name, keep)
	}
	return server
}

// queryPathConflict explains why a secret cannot go into the query parameter
// param of the URL at field ("" if it can).
func queryPathConflict(cfg map[string]any, field, param string) string {
	var v any = cfg
	for _, part := range strings.Split(field, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			v = nil
			break
		}
		v = m[part]
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("the secret %q goes into the query of the URL at %q, which configuration must set to a string.", field+"?"+param, field)
	}
	if raw, ok := rawQueryValue(s, param); ok && raw != facts.Mask() {
		return fmt.Sprintf("configuration sets the query parameter %q of %q; secrets must not also appear in configuration (remove it there, or write it as %s=%s).", param, field, param, facts.Mask())
	}
	return ""
}
