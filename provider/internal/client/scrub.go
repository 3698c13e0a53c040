package client

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces a secret in every message the client builds.
const Redacted = "(redacted)"

// minSecretLen: shorter values are not scrubbed, or every message would be
// shredded wherever that letter pair appears (no real credential is this short).
const minSecretLen = 3

// Scrubber removes secrets from text before it goes into an error or a log
// line: each secret in its raw, JSON-escaped, URL-encoded and base64 forms,
// longest first so a form never leaves a fragment of a longer one behind.
type Scrubber struct {
	mu    sync.RWMutex
	forms []string
	seen  map[string]bool
}

// Add registers secrets (empty and very short values are ignored).
func (s *Scrubber) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	// A new slice each time: Scrub iterates the old one without the lock.
	forms := append([]string(nil), s.forms...)
	for _, secret := range secrets {
		if len(secret) < minSecretLen || s.seen[secret] {
			continue
		}
		s.seen[secret] = true
		for _, f := range secretForms(secret) {
			if len(f) >= minSecretLen && !s.seen["\x00"+f] {
				s.seen["\x00"+f] = true
				forms = append(forms, f)
			}
		}
	}
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	s.forms = forms
}

// Scrub returns text with every registered secret (and extra ones) replaced.
func (s *Scrubber) Scrub(text string, extra ...string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	forms := s.forms
	s.mu.RUnlock()
	if len(extra) > 0 {
		var more Scrubber
		more.Add(extra...)
		text = more.Scrub(text)
	}
	for _, f := range forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Redacted)
		}
	}
	return text
}

// secretForms are the ways a secret can be echoed back by a server or a
// transport error: raw, inside JSON (with and without HTML escaping), in a
// URL (query and path escaping) and base64 (padded, unpadded, URL alphabet).
func secretForms(secret string) []string {
	forms := []string{secret}
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		t := strings.TrimSuffix(sb.String(), "\n")
		forms = append(forms, t[1:len(t)-1])
	}
	forms = append(forms, url.QueryEscape(secret), url.PathEscape(secret))
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		forms = append(forms, e.EncodeToString([]byte(secret)))
	}
	return forms
}

// scrubbedError carries an error's text with the secrets already removed;
// Unwrap keeps the original for errors.Is/As (never for printing).
type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }
