package provider

import (
	"strings"
	"testing"
)

func TestReconcileConfiguration(t *testing.T) {
	cases := []struct {
		name, prior, server, want string
		secrets                   []string
	}{
		{
			name:   "masked and defaults ignored, prior text kept",
			prior:  `{"url": "https://a", "headers": {"x": "1"}, "port": 1.0}`,
			server: `{"url":"https://a","headers":{"x":"1","sig":"*****"},"port":1,"createDevices":true,"sendMetadata":false,"sendRawDecodedFormat":false,"downlinkEnabled":true,"reconnectStrategy":"NORMAL"}`,
			want:   `{"url": "https://a", "headers": {"x": "1"}, "port": 1.0}`,
		},
		{
			name:   "secret in prior masked on server keeps prior",
			prior:  `{"password":"p"}`,
			server: `{"password":"*****"}`,
			want:   `{"password":"p"}`,
		},
		{
			name:   "key missing on server is drift, not an error",
			prior:  `{"url":"https://a","topic":"t"}`,
			server: `{"url":"https://a"}`,
			want:   `{"url":"https://a"}`,
		},
		{
			name:   "changed value enters state",
			prior:  `{"url":"https://a"}`,
			server: `{"url":"https://b"}`,
			want:   `{"url":"https://b"}`,
		},
		{
			name:   "field added in the UI shows",
			prior:  `{"url":"https://a"}`,
			server: `{"url":"https://a","qos":2,"headers":{"k":"v","s":"*****"}}`,
			want:   `{"headers":{"k":"v"},"qos":2,"url":"https://a"}`,
		},
		{
			name:   "default with a non-default value shows",
			prior:  `{"url":"https://a"}`,
			server: `{"url":"https://a","createDevices":false,"reconnectStrategy":"NORMAL"}`,
			want:   `{"createDevices":false,"url":"https://a"}`,
		},
		{
			name:    "unmasked secret path ignored",
			prior:   `{"headers":{"a":"1"}}`,
			server:  `{"headers":{"a":"1","webhookSigningKey":"plain-secret"}}`,
			secrets: []string{"headers.webhookSigningKey"},
			want:    `{"headers":{"a":"1"}}`,
		},
		{
			name:    "import: server minus masked, secrets, defaults",
			prior:   "",
			server:  `{"url":"https://a","password":"*****","headers":{"k":"plain"},"createDevices":true,"downlinkEnabled":false}`,
			secrets: []string{"headers.k"},
			want:    `{"downlinkEnabled":false,"headers":{},"url":"https://a"}`,
		},
		{
			name:   "declared default value kept",
			prior:  `{"createDevices":true}`,
			server: `{"createDevices":true}`,
			want:   `{"createDevices":true}`,
		},
		{
			name:   "array with masked element keeps prior element",
			prior:  `{"list":[{"u":"a","p":"x"}]}`,
			server: `{"list":[{"u":"a","p":"*****"}]}`,
			want:   `{"list":[{"u":"a","p":"x"}]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReconcileConfiguration(tc.prior, tc.server, tc.secrets)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if _, err := ReconcileConfiguration(`{}`, `[1]`, nil); err == nil {
		t.Error("a non-object server configuration must be an error")
	}
}

func TestReconcileAlarmsActiveBrand(t *testing.T) {
	if got, _ := ReconcileAlarms(`[ {"a":1} ]`, `[{"a":1}]`); got != `[ {"a":1} ]` {
		t.Errorf("equal alarms must keep prior text, got %s", got)
	}
	if got, _ := ReconcileAlarms(`[{"a":1}]`, ``); got != "" {
		t.Errorf("alarms missing on server must be null (drift), got %s", got)
	}
	if got, _ := ReconcileAlarms(``, `[]`); got != "" {
		t.Errorf("empty server alarms must stay null, got %s", got)
	}
	if got, _ := ReconcileAlarms(``, `[{"a":2}]`); got != `[{"a":2}]` {
		t.Errorf("server alarms not in prior must show, got %s", got)
	}
	tr, fa := true, false
	if ReconcileActive(nil, &tr) != nil || ReconcileActive(nil, nil) != nil {
		t.Error("unset active with server true must stay null")
	}
	if a := ReconcileActive(nil, &fa); a == nil || *a {
		t.Error("server false must show")
	}
	if a := ReconcileActive(&fa, &tr); a == nil || !*a {
		t.Error("prior false, server true must be true")
	}
	empty := ""
	if ReconcileBrand(&empty) != nil || ReconcileBrand(nil) != nil {
		t.Error("empty brand must be null")
	}
}

func TestMergeSecrets(t *testing.T) {
	got, err := MergeSecrets(`{"url":"u","headers":{"a":"1"},"n":12345678901234567890}`, map[string]string{"headers.sig": "S", "auth.password": "P"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"auth":{"password":"P"},"headers":{"a":"1","sig":"S"},"n":12345678901234567890,"url":"u"}`
	if string(got) != want {
		t.Errorf("got %s", got)
	}
	if _, err := MergeSecrets(`{"headers":"x"}`, map[string]string{"headers.sig": "S"}); err == nil || strings.Contains(err.Error(), "S\"") {
		t.Errorf("expected a path error without the value, got %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	s := map[string]string{"headers.sig": "very-secret-1", "b": "x"}
	salt := "0011223344556677"
	a := Fingerprint(salt, s)
	if a != Fingerprint(salt, map[string]string{"b": "x", "headers.sig": "very-secret-1"}) {
		t.Error("same secrets and salt must give the same fingerprint")
	}
	if a == Fingerprint(salt, map[string]string{"headers.sig": "very-secret-2", "b": "x"}) {
		t.Error("a rotated secret must change the fingerprint")
	}
	if a == Fingerprint("8899aabbccddeeff", s) {
		t.Error("another salt must change the fingerprint")
	}
	if strings.Contains(a, "very-secret") || !strings.HasPrefix(a, "hmac-sha256:"+salt+":") || len(a) != len("hmac-sha256:")+16+1+64 {
		t.Errorf("bad fingerprint %q", a)
	}
	if got, err := FingerprintSalt(a); err != nil || got != salt {
		t.Errorf("salt %q %v", got, err)
	}
	if _, err := FingerprintSalt("sha256:abc"); err == nil {
		t.Error("foreign format must be rejected")
	}
	s1, _ := NewSalt()
	s2, _ := NewSalt()
	if len(s1) != 16 || s1 == s2 {
		t.Errorf("salts %q %q", s1, s2)
	}
	// Plan-time rule: unchanged secrets keep the stored value; rotated or
	// first-time secrets are unknown; none is null.
	prior := typesString(a)
	if got := plannedFingerprint(prior, s, false, true); !got.Equal(prior) {
		t.Error("unchanged secrets must plan the stored fingerprint")
	}
	if got := plannedFingerprint(prior, map[string]string{"b": "y", "headers.sig": "very-secret-1"}, false, true); !got.IsUnknown() {
		t.Error("rotated secret must plan unknown")
	}
	if got := plannedFingerprint(typesNullString(), s, false, true); !got.IsUnknown() {
		t.Error("no prior fingerprint must plan unknown")
	}
	if got := plannedFingerprint(prior, nil, true, true); !got.IsNull() {
		t.Error("no secrets must plan null")
	}
	if got := plannedFingerprint(prior, nil, false, false); !got.IsUnknown() {
		t.Error("unknown secrets must plan unknown")
	}
}
