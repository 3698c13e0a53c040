package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
)

// decodeJSON decodes keeping numbers exact (json.Number).
func decodeJSON(text string) (any, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

func encodeJSON(v any) (string, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// jsonEqual compares decoded JSON values; numbers by value (1 == 1.0).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, _, err1 := big.ParseFloat(x.String(), 10, 200, big.ToNearestEven)
		fy, _, err2 := big.ParseFloat(y.String(), 10, 200, big.ToNearestEven)
		if err1 != nil || err2 != nil {
			return x == y
		}
		return fx.Cmp(fy) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func isMasked(v any) bool {
	s, ok := v.(string)
	return ok && s == facts.Mask()
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// reconcileValue merges one server value with the prior one at path.
// It returns the value for the new state and whether there is one.
func reconcileValue(prior any, hasPrior bool, server any, path string, secrets map[string]bool) (any, bool) {
	if isMasked(server) || (path != "" && secrets[path]) {
		// Unknown-unchanged: keep what we had (nothing on import).
		return prior, hasPrior
	}
	if url, ok := server.(string); ok && path != "" {
		if params := querySecretParams(secrets, path); len(params) > 0 {
			server = keepQuerySecretsOut(url, prior, hasPrior, params)
		}
	}
	if !hasPrior {
		return stripUnknowable(server, path, secrets)
	}
	if po, ok := prior.(map[string]any); ok {
		if so, ok := server.(map[string]any); ok {
			return reconcileObject(po, so, path, secrets, false), true
		}
	}
	if pa, ok := prior.([]any); ok {
		if sa, ok := server.([]any); ok && len(pa) == len(sa) {
			out := make([]any, len(sa))
			for i := range sa {
				// Array elements have no dotted path: only masking applies.
				v, ok := reconcileValue(pa[i], true, sa[i], "", nil)
				if !ok {
					v = sa[i]
				}
				out[i] = v
			}
			return out, true
		}
	}
	if jsonEqual(prior, server) {
		return prior, true
	}
	return server, true
}

// stripUnknowable drops masked values and secret paths from a value the
// prior state did not have.
func stripUnknowable(v any, path string, secrets map[string]bool) (any, bool) {
	if isMasked(v) || (path != "" && secrets[path]) {
		return nil, false
	}
	if url, ok := v.(string); ok && path != "" {
		if params := querySecretParams(secrets, path); len(params) > 0 {
			return keepQuerySecretsOut(url, nil, false, params), true
		}
	}
	if o, ok := v.(map[string]any); ok {
		out := map[string]any{}
		for k, x := range o {
			if y, ok := stripUnknowable(x, joinPath(path, k), secrets); ok {
				out[k] = y
			}
		}
		return out, true
	}
	return v, true
}

func reconcileObject(prior, server map[string]any, path string, secrets map[string]bool, topLevel bool) map[string]any {
	out := map[string]any{}
	for k, pv := range prior {
		sv, ok := server[k]
		if !ok {
			// Missing on the server: drift, left out so the plan restores it.
			continue
		}
		if v, ok := reconcileValue(pv, true, sv, joinPath(path, k), secrets); ok {
			out[k] = v
		}
	}
	for k, sv := range server {
		if _, ok := prior[k]; ok {
			continue
		}
		if topLevel {
			// A default the server added (internal/facts) is no drift.
			if def, ok := facts.ConfigurationDefault(k); ok && jsonEqual(def, sv) {
				continue
			}
		}
		// Added elsewhere (UI, another tool): it enters the state so the
		// plan shows it being removed.
		if v, ok := stripUnknowable(sv, joinPath(path, k), secrets); ok {
			out[k] = v
		}
	}
	return out
}

// ReconcileConfiguration computes the configuration to store after a read.
// prior is the state's JSON text ("" on import), server the API's, secrets
// the dotted secret paths. When nothing differs semantically the prior text
// is returned unchanged so the state never churns on formatting.
func ReconcileConfiguration(prior, server string, secretPaths []string) (string, error) {
	secrets := make(map[string]bool, len(secretPaths))
	for _, p := range secretPaths {
		secrets[p] = true
	}
	var sv map[string]any
	if strings.TrimSpace(server) != "" && strings.TrimSpace(server) != "null" {
		v, err := decodeJSON(server)
		if err != nil {
			return "", fmt.Errorf("server configuration is not valid JSON: %v", err)
		}
		o, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("server configuration is not a JSON object")
		}
		sv = o
	}
	pv := map[string]any{}
	if strings.TrimSpace(prior) != "" {
		v, err := decodeJSON(prior)
		if err != nil {
			return "", fmt.Errorf("configuration in state is not valid JSON: %v", err)
		}
		o, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("configuration in state is not a JSON object")
		}
		pv = o
	}
	out := reconcileObject(pv, sv, "", secrets, true)
	if prior != "" && jsonEqual(any(pv), any(out)) {
		return prior, nil
	}
	return encodeJSON(out)
}

// ReconcileAlarms applies the same rules to the top-level alarms array.
// Returns "" for null. An absent or empty server list counts as none.
func ReconcileAlarms(prior, server string) (string, error) {
	server = strings.TrimSpace(server)
	if server == "" || server == "null" || server == "[]" {
		return "", nil
	}
	sv, err := decodeJSON(server)
	if err != nil {
		return "", fmt.Errorf("server alarms are not valid JSON: %v", err)
	}
	if prior == "" {
		v, _ := stripUnknowable(sv, "", nil)
		return encodeJSON(v)
	}
	pv, err := decodeJSON(prior)
	if err != nil {
		return "", fmt.Errorf("alarms in state are not valid JSON: %v", err)
	}
	v, _ := reconcileValue(pv, true, sv, "", nil)
	if jsonEqual(pv, v) {
		return prior, nil
	}
	return encodeJSON(v)
}

// ReconcileActive: an unset active stays unset while the server reports the
// default (true); anything else is the server's value.
func ReconcileActive(prior *bool, server *bool) *bool {
	s := true
	if server != nil {
		s = *server
	}
	if prior == nil && s {
		return nil
	}
	return &s
}

// ReconcileBrand: an empty server brand is no brand.
func ReconcileBrand(server *string) *string {
	if server == nil || *server == "" {
		return nil
	}
	return server
}

// MergeSecrets writes each secret (dotted path -> value) into the
// configuration object, creating intermediate objects; a path "field?param"
// sets the query parameter param of the URL string at field instead. The
// result is sent to the API only; it never reaches state or logs.
func MergeSecrets(configuration string, secrets map[string]string) (json.RawMessage, error) {
	v, err := decodeJSON(configuration)
	if err != nil {
		return nil, fmt.Errorf("configuration is not valid JSON: %v", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("configuration must be a JSON object")
	}
	for _, p := range SecretPaths(secrets) {
		if field, param, ok := splitQuerySecret(p); ok {
			if err := mergeQuerySecret(root, field, param, secrets[p]); err != nil {
				return nil, err
			}
			continue
		}
		parts := strings.Split(p, ".")
		m := root
		for i, part := range parts {
			if part == "" {
				return nil, fmt.Errorf("secret path %q has an empty segment", p)
			}
			if i == len(parts)-1 {
				m[part] = secrets[p]
				break
			}
			next, exists := m[part]
			if !exists || next == nil {
				child := map[string]any{}
				m[part] = child
				m = child
				continue
			}
			child, ok := next.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("secret path %q: %q is not a JSON object in configuration", p, strings.Join(parts[:i+1], "."))
			}
			m = child
		}
	}
	text, err := encodeJSON(root)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(text), nil
}

// mergeQuerySecret sets the query parameter param of the URL string at the
// dotted path field of root to secret.
func mergeQuerySecret(root map[string]any, field, param, secret string) error {
	if param == "" {
		return fmt.Errorf("secret path %q names no query parameter after ?", field+"?")
	}
	parts := strings.Split(field, ".")
	m := root
	for i, part := range parts {
		v, ok := m[part]
		if i == len(parts)-1 {
			s, isString := v.(string)
			if !ok || !isString {
				return fmt.Errorf("secret path %q: configuration must set %q to the URL the secret goes into", field+"?"+param, field)
			}
			m[part] = withQuerySecret(s, param, secret)
			return nil
		}
		child, isObject := v.(map[string]any)
		if !ok || !isObject {
			return fmt.Errorf("secret path %q: configuration must set %q to the URL the secret goes into", field+"?"+param, field)
		}
		m = child
	}
	return nil
}
