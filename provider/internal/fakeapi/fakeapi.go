// Package fakeapi is an in-memory IoT Flow Connections API for tests: OAuth2
// token endpoint, paging, masked secrets, server defaults, state transitions
// and hooks to inject failures (lost answers, rate limiting, hangs).
package fakeapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The fake spells out the API's facts (token path, mask, defaults) as the
// docs give them instead of reading internal/facts: the provider's tests then
// compare what the provider reads from facts.json with the documented API, not
// with itself. internal/facts's tests keep the two copies equal.

// TokenPath is where the fake serves OAuth2 tokens.
const TokenPath = "/users-auth/protocol/openid-connect/token"

// Mask is what the fake returns in place of a secret on reads.
const Mask = "*****"

// Hook may answer a request itself (return true). Stage is "before" (nothing
// stored yet) or "after" (a POST/PUT/DELETE was applied, answer not sent).
type Hook func(stage string, w http.ResponseWriter, r *http.Request) bool

// Server is the fake API.
type Server struct {
	*httptest.Server

	ClientID, ClientSecret string
	BearerToken            string // accepted as-is when non-empty
	ExpiresIn              int    // token lifetime in seconds (default 3600)
	// MaskedPaths are dotted configuration paths masked as "*****" on reads.
	MaskedPaths []string
	// FinalState overrides the settled state of a connection by name.
	FinalState map[string]string
	// SettleReads is how many reads a connection stays CLOSED/OPENING.
	SettleReads int

	mu            sync.Mutex
	hook          Hook
	conns         map[string]map[string]any
	reads         map[string]int
	nextID        int
	validTokens   map[string]bool
	TokenRequests int
	PostBodies    []map[string]any
	PutBodies     []map[string]any
	Requests      []string
}

// New starts a fake API; it is closed at the end of the test.
func New(t testing.TB) *Server {
	s := &Server{
		ClientID: "cid", ClientSecret: "csecret", ExpiresIn: 3600,
		conns: map[string]map[string]any{}, reads: map[string]int{},
		nextID: 1000, validTokens: map[string]bool{}, FinalState: map[string]string{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SetHook installs (or with nil removes) a failure-injection hook.
func (s *Server) SetHook(h Hook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = h
}

// RevokeTokens makes every issued token invalid (next call gets 401).
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.validTokens = map[string]bool{}
}

// Put stores a connection directly (as if created elsewhere, e.g. the UI)
// and returns its id. Defaults are added as the real server does.
func (s *Server) Put(conn map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store("", conn)
}

// Replace overwrites a stored connection (an edit made elsewhere).
func (s *Server) Replace(id string, conn map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(id, conn)
}

// Get returns a copy of the stored connection (unmasked) or nil.
func (s *Server) Get(id string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[id]
	if !ok {
		return nil
	}
	return deepCopy(c).(map[string]any)
}

// Count returns how many connections are stored.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// CountRequests counts logged requests with this "METHOD path" prefix.
func (s *Server) CountRequests(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.Requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// Defaults the server adds to a configuration that does not set them (see TokenPath for why a copy).
var Defaults = map[string]any{
	"createDevices": true, "sendMetadata": false, "sendRawDecodedFormat": false,
	"downlinkEnabled": true, "reconnectStrategy": "NORMAL",
}

func (s *Server) store(id string, conn map[string]any) string {
	if id == "" {
		s.nextID++
		id = strconv.Itoa(s.nextID)
	}
	conn = deepCopy(conn).(map[string]any)
	conn["id"] = id
	if _, ok := conn["active"]; !ok {
		conn["active"] = true
	}
	cfg, _ := conn["configuration"].(map[string]any)
	if cfg == nil {
		cfg = map[string]any{}
		conn["configuration"] = cfg
	}
	for k, v := range Defaults {
		if _, ok := cfg[k]; !ok {
			cfg[k] = v
		}
	}
	conn["state"] = "CLOSED"
	conn["startupTime"] = fmt.Sprintf("2026-01-01T00:00:%02dZ", len(s.conns)%60)
	s.conns[id] = conn
	s.reads[id] = 0
	return id
}

// view renders a stored connection as a read would: masked, settled.
func (s *Server) view(id string) map[string]any {
	c := deepCopy(s.conns[id]).(map[string]any)
	s.reads[id]++
	n := s.reads[id]
	switch {
	case n <= s.SettleReads/2:
		c["state"] = "CLOSED"
	case n <= s.SettleReads:
		c["state"] = "OPENING"
	default:
		final := "OPENED"
		if a, ok := c["active"].(bool); ok && !a {
			final = "DEACTIVATED"
		}
		if f, ok := s.FinalState[fmt.Sprint(c["name"])]; ok {
			final = f
		}
		c["state"] = final
	}
	s.conns[id]["state"] = c["state"]
	cfg, _ := c["configuration"].(map[string]any)
	for _, p := range s.MaskedPaths {
		parts := strings.Split(p, ".")
		m := cfg
		for i, part := range parts {
			if m == nil {
				break
			}
			if i == len(parts)-1 {
				if _, ok := m[part]; ok {
					m[part] = Mask
				}
				break
			}
			m, _ = m[part].(map[string]any)
		}
	}
	return c
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == TokenPath {
		s.serveToken(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.Requests = append(s.Requests, r.Method+" "+r.URL.RequestURI())
	hook := s.hook
	s.mu.Unlock()
	if hook != nil && hook("before", w, r) {
		return
	}
	s.mu.Lock()
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !(s.validTokens[auth] || (s.BearerToken != "" && auth == s.BearerToken)) {
		s.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	status, out, loc := s.apply(r, body)
	s.mu.Unlock()
	if hook != nil && hook("after", w, r) {
		return
	}
	if loc != "" {
		w.Header().Set("Location", loc)
	}
	if out == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) ids() []string {
	ids := make([]string, 0, len(s.conns))
	for id := range s.conns {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, _ := strconv.Atoi(ids[i])
		b, _ := strconv.Atoi(ids[j])
		return a < b
	})
	return ids
}

// apply runs the request against the store (s.mu held).
func (s *Server) apply(r *http.Request, body []byte) (int, any, string) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/connections" && r.Method == http.MethodGet:
		page, _ := strconv.Atoi(r.URL.Query().Get("pageIndex"))
		if page < 1 {
			page = 1
		}
		ids := s.ids()
		out := []any{}
		for i := (page - 1) * 100; i < len(ids) && i < page*100; i++ {
			out = append(out, s.view(ids[i]))
		}
		return http.StatusOK, out, ""
	case p == "/connections" && r.Method == http.MethodPost:
		var conn map[string]any
		if err := json.Unmarshal(body, &conn); err != nil {
			return http.StatusBadRequest, nil, ""
		}
		s.PostBodies = append(s.PostBodies, deepCopy(conn).(map[string]any))
		id := s.store("", conn)
		return http.StatusCreated, s.view(id), "/connections/" + id
	case strings.HasPrefix(p, "/connections/"):
		id := strings.TrimPrefix(p, "/connections/")
		if _, ok := s.conns[id]; !ok {
			return http.StatusNotFound, nil, ""
		}
		switch r.Method {
		case http.MethodGet:
			return http.StatusOK, s.view(id), ""
		case http.MethodPut:
			var conn map[string]any
			if err := json.Unmarshal(body, &conn); err != nil {
				return http.StatusBadRequest, nil, ""
			}
			s.PutBodies = append(s.PutBodies, deepCopy(conn).(map[string]any))
			s.store(id, conn)
			return http.StatusOK, s.view(id), ""
		case http.MethodDelete:
			delete(s.conns, id)
			return http.StatusNoContent, nil, ""
		}
	}
	return http.StatusNotFound, nil, ""
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.TokenRequests++
	if r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
		return
	}
	tok := fmt.Sprintf("tok-%d", s.TokenRequests)
	s.validTokens[tok] = true
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": s.ExpiresIn})
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = deepCopy(x)
		}
		return a
	}
	return v
}
