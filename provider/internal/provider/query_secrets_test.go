package provider

import (
	"encoding/json"
	"strings"
	"testing"
)

const tago = "https://actility.middleware.tago.io/uplink"

func TestMergeSecretsPutsAQuerySecretIntoTheURL(t *testing.T) {
	cases := []struct{ name, url, want string }{
		{"replaces the placeholder", tago + "?authorization=*****", tago + "?authorization=s3cr%2Bt%2F%3D"},
		{"appends when the URL leaves it out", tago, tago + "?authorization=s3cr%2Bt%2F%3D"},
		{"keeps every other parameter as written", "https://h/p?idName=DevEUI_uplink+DevEUI&authorization=*****&z=1",
			"https://h/p?idName=DevEUI_uplink+DevEUI&authorization=s3cr%2Bt%2F%3D&z=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, _ := json.Marshal(map[string]any{"destinationURL": c.url})
			got, err := MergeSecrets(string(cfg), map[string]string{"destinationURL?authorization": "s3cr+t/="})
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			_ = json.Unmarshal(got, &m)
			if m["destinationURL"] != c.want || len(m) != 1 {
				t.Fatalf("got %s, want destinationURL %s only", got, c.want)
			}
		})
	}
}

func TestMergeSecretsRefusesAQuerySecretWithoutItsURL(t *testing.T) {
	for _, cfg := range []string{`{}`, `{"destinationURL": 3}`} {
		_, err := MergeSecrets(cfg, map[string]string{"destinationURL?authorization": "s3cret"})
		if err == nil || !strings.Contains(err.Error(), `"destinationURL"`) || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("%s: got %v, want an error naming destinationURL, never the secret", cfg, err)
		}
	}
}

func TestReconcileConfigurationKeepsQuerySecretsOutOfState(t *testing.T) {
	secrets := []string{"destinationURL?authorization"}
	cases := []struct{ name, prior, server, want string }{
		{"a masked read is no drift: the prior text is kept",
			`{"destinationURL": "` + tago + `?authorization=*****"}`,
			`{"destinationURL":"` + tago + `?authorization=*****","createDevices":true}`,
			`{"destinationURL": "` + tago + `?authorization=*****"}`},
		{"a server echoing the secret is read as the placeholder",
			`{"destinationURL":"` + tago + `?authorization=*****"}`,
			`{"destinationURL":"` + tago + `?authorization=s3cret"}`,
			`{"destinationURL":"` + tago + `?authorization=*****"}`},
		{"a prior that leaves the parameter out reads without it",
			`{"destinationURL":"` + tago + `"}`,
			`{"destinationURL":"` + tago + `?authorization=s3cret"}`,
			`{"destinationURL":"` + tago + `"}`},
		{"an import reads the secret as the mask",
			``,
			`{"destinationURL":"` + tago + `?authorization=s3cret"}`,
			`{"destinationURL":"` + tago + `?authorization=*****"}`},
		{"another host is drift, the secret still kept out",
			`{"destinationURL":"` + tago + `?authorization=*****"}`,
			`{"destinationURL":"https://evil.example/uplink?authorization=s3cret"}`,
			`{"destinationURL":"https://evil.example/uplink?authorization=*****"}`},
		{"a parameter the server dropped is drift",
			`{"destinationURL":"` + tago + `?authorization=*****"}`,
			`{"destinationURL":"` + tago + `"}`,
			`{"destinationURL":"` + tago + `"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReconcileConfiguration(c.prior, c.server, secrets)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestPathConflictOfAQuerySecret(t *testing.T) {
	cases := []struct {
		name string
		cfg  map[string]any
		want string // "" when the path is fine, else a part of the message
	}{
		{"the URL with the placeholder", map[string]any{"destinationURL": tago + "?authorization=*****"}, ""},
		{"the URL without the parameter", map[string]any{"destinationURL": tago}, ""},
		{"no URL to put it in", map[string]any{}, "must set to a string"},
		{"the secret in clear in the URL", map[string]any{"destinationURL": tago + "?authorization=abc"}, "must not also appear"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := pathConflict(c.cfg, "destinationURL?authorization")
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) || strings.Contains(got, "abc") {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
