package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PageSize is the server's page size for GET /connections.
const PageSize = 100

// Listing caps: memory and time stay bounded whatever a server sends. 1000
// pages is 100,000 connections, far past an account's limit; 256 MiB of
// answers is 2.6 KB per connection at that count.
const (
	MaxPages        = 1000
	MaxListingBytes = 256 << 20
)

// Connection states.
const (
	StateOpening              = "OPENING"
	StateOpened               = "OPENED"
	StateClosed               = "CLOSED"
	StateAuthenticating       = "AUTHENTICATING"
	StateAuthenticationFailed = "AUTHENTICATION_FAILED"
	StateUnreachable          = "UNREACHABLE"
	StateDeactivated          = "DEACTIVATED"
)

// IsTransitional reports whether a connection in this state is still
// settling after a create or update.
func IsTransitional(state string) bool {
	switch state {
	case StateClosed, StateOpening, StateAuthenticating:
		return true
	}
	return false
}

// FlexString accepts a JSON string or number (ids and timestamps are
// strings today; a number must not break decoding).
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("expected a string or number") // never the value: a server may put anything there
	}
	*f = FlexString(n.String())
	return nil
}

// Connection is a connection as read from the API. Configuration and Alarms
// are kept as raw JSON: their shape is connector specific.
type Connection struct {
	ID            FlexString      `json:"id"`
	Name          string          `json:"name"`
	ConnectorID   string          `json:"connectorId"`
	Brand         *string         `json:"brand,omitempty"`
	Active        *bool           `json:"active,omitempty"`
	Configuration json.RawMessage `json:"configuration,omitempty"`
	Alarms        json.RawMessage `json:"alarms,omitempty"`
	State         string          `json:"state,omitempty"`
	StartupTime   FlexString      `json:"startupTime,omitempty"`
}

// BrandValue returns the brand or "".
func (c *Connection) BrandValue() string {
	if c.Brand == nil {
		return ""
	}
	return *c.Brand
}

// ConnectionInput is the body of a POST or PUT: the whole connection, with
// secrets already merged into Configuration.
type ConnectionInput struct {
	ID            string          `json:"id,omitempty"`
	Name          string          `json:"name"`
	ConnectorID   string          `json:"connectorId"`
	Brand         *string         `json:"brand,omitempty"`
	Active        *bool           `json:"active,omitempty"`
	Configuration json.RawMessage `json:"configuration"`
	Alarms        json.RawMessage `json:"alarms,omitempty"`
	// Secrets are the secret values merged into Configuration: never sent
	// on their own, but scrubbed from every message about this call.
	Secrets []string `json:"-"`
}

// Key identifies "the same connection" across processes: connector, brand
// and name. An empty brand matches any brand, because a server may fill one
// in that the configuration never set.
type Key struct {
	ConnectorID string
	Brand       string
	Name        string
}

// Matches reports whether conn has this key.
func (k Key) Matches(conn *Connection) bool {
	if conn.Name != k.Name || conn.ConnectorID != k.ConnectorID {
		return false
	}
	return k.Brand == "" || conn.BrandValue() == k.Brand
}

// processState is what this provider process knows about the endpoint.
type processState struct {
	mu       sync.Mutex
	listed   bool
	listing  []Connection
	listWait chan struct{} // closed when an in-flight listing ends
	created  map[string]bool
	claimed  map[string]bool
	deleted  map[string]bool
	// fresh is the latest fresh listing (in flight or done), shared by
	// every check that needs a listing taken after a given moment.
	fresh *freshListing
	// keys of the connections this process created, for Twins.
	keys map[string]Key
}

// freshListing is one full listing, shared by everyone who waits for it.
type freshListing struct {
	started time.Time
	done    chan struct{}
	all     []Connection
	err     error
}

func connPath(id string) string { return "/connections/" + url.PathEscape(id) }

func decodeConnection(method, path string, b []byte) (*Connection, error) {
	var conn Connection
	if err := json.Unmarshal(b, &conn); err != nil {
		return nil, fmt.Errorf("%s %s: cannot decode the answer as a connection: %v", method, path, err)
	}
	return &conn, nil
}

func (c *Client) unexpected(method, path string, res *response, attempts int, secrets []string) error {
	return c.clean(&APIError{Method: method, Path: path, StatusCode: res.StatusCode, Status: statusText(res.StatusCode), Attempts: attempts, Message: apiMessage(res)}, secrets)
}

// apiMessage is the `message` of a JSON error answer (e.g. "Max connection limit reached"), so a refusal
// says why. Only client errors are read; the text is bounded, printable, and scrubbed by the caller (a
// server may quote the request, secrets included).
func apiMessage(res *response) string {
	if res.StatusCode < 400 || res.StatusCode >= 500 {
		return ""
	}
	var body struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(res.Body, &body) != nil {
		return ""
	}
	return printable(body.Message, 300)
}

// Get reads one connection. A 404 is returned as an error for which
// IsNotFound is true. An answer about another connection is an error: the
// state's id is never switched.
func (c *Client) Get(ctx context.Context, id string) (*Connection, error) {
	p := connPath(id)
	var attempts int
	res, err := c.do(ctx, http.MethodGet, p, nil, callOpts{attempts: &attempts})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, c.unexpected(http.MethodGet, p, res, attempts, nil)
	}
	conn, err := decodeConnection(http.MethodGet, p, res.Body)
	if err != nil {
		return nil, err
	}
	if string(conn.ID) != id {
		return nil, &IdentityError{Call: "GET " + p, Want: id, Got: c.Scrub(string(conn.ID))}
	}
	return conn, nil
}

// IdentityError: the server answered about another connection than the one asked for.
type IdentityError struct {
	Call, Want, Got string
}

func (e *IdentityError) Error() string {
	got := fmt.Sprintf("connection %q", printable(e.Got, 64))
	if e.Got == "" {
		got = "a connection without an id"
	}
	return fmt.Sprintf("%s answered with %s instead of %s; the provider never switches a connection's id on the server's word (a proxy or cache in front of the API may be mixing answers). Nothing was changed", e.Call, got, e.Want)
}

// ListAll reads every page of GET /connections, fresh (no cache), within
// MaxPages and MaxListingBytes. Every item must have an id, a name and a
// connector id.
func (c *Client) ListAll(ctx context.Context) ([]Connection, error) {
	var all []Connection
	seen := map[string]bool{}
	total := 0
	for page := 1; ; page++ {
		if page > MaxPages {
			return nil, fmt.Errorf("GET /connections: still getting full pages of new connections after %d pages (the provider's cap); giving up. Is a proxy in front of the API ignoring pageIndex?", MaxPages)
		}
		p := "/connections?pageIndex=" + strconv.Itoa(page)
		var attempts int
		res, err := c.do(ctx, http.MethodGet, p, nil, callOpts{attempts: &attempts})
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, c.unexpected(http.MethodGet, p, res, attempts, nil)
		}
		if total += len(res.Body); total > MaxListingBytes {
			return nil, fmt.Errorf("GET %s: the listing passed %d MiB (the provider's cap for all pages together) after %d pages; giving up", p, MaxListingBytes>>20, page)
		}
		var items []Connection
		if err := json.Unmarshal(res.Body, &items); err != nil {
			return nil, fmt.Errorf("GET %s: cannot decode the answer as a list of connections: %v", p, err)
		}
		fresh := 0
		for i, it := range items {
			if it.ID == "" || it.Name == "" || it.ConnectorID == "" {
				return nil, fmt.Errorf("GET %s: item %d is not a well-formed connection (it needs an id, a name and a connectorId); refusing to decide on it", p, i+1)
			}
			if seen[string(it.ID)] {
				continue // a connection created meanwhile shifts pages: dedupe
			}
			seen[string(it.ID)] = true
			fresh++
			all = append(all, it)
		}
		// A short or empty page is the last one. A full page with nothing
		// new means the server ignores pageIndex: stop instead of looping.
		if len(items) < PageSize || fresh == 0 {
			return all, nil
		}
	}
}

// listingAfter returns a full listing whose first request left at or after
// t. Concurrent callers share listings: one that started late enough serves
// every check waiting for it, so N pending checks cost one listing, not N.
func (c *Client) listingAfter(ctx context.Context, t time.Time) ([]Connection, error) {
	s := &c.state
	for {
		s.mu.Lock()
		f := s.fresh
		if f == nil || (f.started.Before(t) && isClosed(f.done)) {
			f = &freshListing{started: time.Now(), done: make(chan struct{})}
			s.fresh = f
			s.mu.Unlock()
			f.all, f.err = c.ListAll(ctx)
			close(f.done)
			return f.all, f.err
		}
		s.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !f.started.Before(t) {
			return f.all, f.err
		}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// CachedListing returns this process's full listing, taking it on first use.
// Concurrent callers share one listing (⌈N/100⌉ GETs per process, not per
// resource). Connections deleted by this process are left out.
func (c *Client) CachedListing(ctx context.Context) ([]Connection, error) {
	s := &c.state
	for {
		s.mu.Lock()
		if s.listed {
			out := make([]Connection, 0, len(s.listing))
			for _, conn := range s.listing {
				if !s.deleted[string(conn.ID)] {
					out = append(out, conn)
				}
			}
			s.mu.Unlock()
			return out, nil
		}
		if s.listWait != nil {
			w := s.listWait
			s.mu.Unlock()
			select {
			case <-w:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		w := make(chan struct{})
		s.listWait = w
		s.mu.Unlock()

		all, err := c.ListAll(ctx)
		s.mu.Lock()
		s.listWait = nil
		if err == nil {
			s.listed, s.listing = true, all
		}
		s.mu.Unlock()
		close(w)
		if err != nil {
			// Not cached: the next caller tries again.
			return nil, err
		}
	}
}

// FindExisting returns the connections of the cached listing that have key
// and were not created by this process.
func (c *Client) FindExisting(ctx context.Context, key Key) ([]Connection, error) {
	all, err := c.CachedListing(ctx)
	if err != nil {
		return nil, err
	}
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	var out []Connection
	for i := range all {
		if key.Matches(&all[i]) && !c.state.created[string(all[i].ID)] {
			out = append(out, all[i])
		}
	}
	return out, nil
}

func (c *Client) record(m *map[string]bool, id string) {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[id] = true
}

// Create POSTs a new connection without ever creating it twice. A POST that
// is refused (429, 503) is re-sent within the retry budget. A POST whose
// outcome is unknown (timeout, reset, 500/502/504) is never re-sent: the
// client watches the listing for CommitWindow (the server may commit late)
// and takes the connection that POST created, or fails saying what it saw.
// The second result says how a lost POST's connection was recognised (""
// when the answer arrived). Twins checks the creates against a later listing.
func (c *Client) Create(ctx context.Context, in ConnectionInput) (*Connection, string, error) {
	in.ID = ""
	body, err := json.Marshal(in)
	if err != nil {
		return nil, "", fmt.Errorf("encoding the connection: %v", err)
	}
	key := Key{ConnectorID: in.ConnectorID, Name: in.Name}
	if in.Brand != nil {
		key.Brand = *in.Brand
	}
	// The "before" snapshot: ids that existed before this POST.
	before, err := c.CachedListing(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("listing connections before creating %q: %w", in.Name, err)
	}
	known := make(map[string]bool, len(before))
	for _, b := range before {
		known[string(b.ID)] = true
	}

	const p = "/connections"
	var attempts int
	var conn *Connection
	evidence := ""
	res, err := c.do(ctx, http.MethodPost, p, body, callOpts{nonIdempotent: true, attempts: &attempts, secrets: in.Secrets})
	var amb *ambiguousError
	if err == nil && res.StatusCode >= 500 {
		// A 500 (or a 501, 505...) may come after the server stored it.
		amb = &ambiguousError{last: c.unexpected(http.MethodPost, p, res, attempts, in.Secrets).(*APIError)}
		err = amb
	}
	switch {
	case err == nil:
		if conn, err = c.createdConnection(res, attempts, in.Secrets); err != nil {
			return nil, "", err
		}
		c.record(&c.state.created, string(conn.ID))
		c.record(&c.state.claimed, string(conn.ID))
	case errors.As(err, &amb):
		if conn, evidence, err = c.recoverLostPost(ctx, in, key, known, amb.last); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", err
	}
	c.recordKey(string(conn.ID), key)
	return conn, evidence, nil
}

func (c *Client) recordKey(id string, key Key) {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	if c.state.keys == nil {
		c.state.keys = map[string]Key{}
	}
	c.state.keys[id] = key
}

// createdConnection reads the id of a POST answer: from the body, or else
// from a Location on the configured origin and base path. Anything else is
// an error: an id the client cannot trust never reaches the state.
func (c *Client) createdConnection(res *response, attempts int, secrets []string) (*Connection, error) {
	const p = "/connections"
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		return nil, c.unexpected(http.MethodPost, p, res, attempts, secrets)
	}
	conn, err := decodeConnection(http.MethodPost, p, res.Body)
	if err != nil {
		return nil, err
	}
	if conn.ID != "" {
		return conn, nil
	}
	loc := res.Header.Get("Location")
	if loc == "" {
		return nil, fmt.Errorf("POST %s: the answer has neither a connection id nor a Location; the connection may have been created: the next plan names it if so", p)
	}
	id, err := c.idFromLocation(loc)
	if err != nil {
		return nil, fmt.Errorf("POST %s: the answer has no connection id, and its Location %v; the connection may have been created: the next plan names it if so", p, err)
	}
	conn.ID = FlexString(id)
	return conn, nil
}

// idFromLocation accepts only <base URL>/connections/<id>.
func (c *Client) idFromLocation(loc string) (string, error) {
	base, _ := url.Parse(c.baseURL + "/connections")
	u, err := base.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", errors.New("cannot be parsed")
	}
	if !strings.EqualFold(u.Scheme+"://"+u.Host, c.origin) {
		return "", fmt.Errorf("points to another origin (%s://%s), not %s", u.Scheme, u.Host, c.origin)
	}
	rest, ok := strings.CutPrefix(strings.TrimRight(u.EscapedPath(), "/"), c.basePath+"/connections/")
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return "", fmt.Errorf("is not %s/connections/<id>", c.baseURL)
	}
	return url.PathUnescape(rest)
}

// recoverLostPost watches fresh listings (shared with every other pending
// check) for CommitWindow, looking for the connection the lost POST made:
// same key, absent from the before snapshot, not claimed by this process,
// and holding the configuration sent.
func (c *Client) recoverLostPost(ctx context.Context, in ConnectionInput, key Key, known map[string]bool, lost *APIError) (*Connection, string, error) {
	c.debug(ctx, "POST answer lost; looking for the connection it may have created", map[string]any{"name": in.Name, "error": lost.Error()})
	var sent any
	_ = json.Unmarshal(in.Configuration, &sent)
	deadline := time.Now().Add(c.CommitWindow)
	after := time.Now()
	looks := 0
	for {
		all, err := c.listingAfter(ctx, after)
		if err != nil {
			return nil, "", fmt.Errorf("%w. The answer was lost, and listing the connections to see whether the server stored it failed: %w. Run the apply again: the plan names the connection if it was stored", lost, err)
		}
		looks++
		mine, others := c.claimLost(all, key, known, sent)
		switch {
		case len(mine) == 1:
			evidence := fmt.Sprintf("The answer to its POST was lost (%s). Connection %s is the only connection with this connector, brand and name that appeared after the POST and holds the configuration that was sent, so it was taken as that POST's result; no second POST was sent.", lost, mine[0].ID)
			return &mine[0], evidence, nil
		case len(mine) > 1:
			return nil, "", fmt.Errorf("%w. The answer was lost, and several new connections named %q with the configuration sent appeared meanwhile (ids %s): the provider cannot tell which one this POST created and took none. Keep one (import it) and delete the others", lost, in.Name, joinIDs(mine))
		}
		if !time.Now().Before(deadline) {
			saw := fmt.Sprintf("no new connection named %q appeared", in.Name)
			if len(others) > 0 {
				saw = fmt.Sprintf("new connections named %q appeared (ids %s) but none holds the configuration sent: another stack's or the UI's?", in.Name, joinIDs(others))
			}
			return nil, "", fmt.Errorf("%w. The answer was lost, so the POST was not re-sent (that could create a duplicate); in the %s the provider watched (%d listings), %s. Run the apply again: if the server stored it late, the plan names it and how to adopt it; if not, it is created then", lost, c.CommitWindow, looks, saw)
		}
		after = time.Now().Add(c.LookupInterval)
		if err := sleep(ctx, c.LookupInterval); err != nil {
			return nil, "", fmt.Errorf("%w. The answer was lost, and the wait for the connection was cancelled", lost)
		}
	}
}

// claimLost returns the candidates for a lost POST that hold the sent
// configuration (a single one is claimed atomically, so two parallel lost
// POSTs never take the same connection) and the other new ones with key.
func (c *Client) claimLost(all []Connection, key Key, known map[string]bool, sent any) (mine, others []Connection) {
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	for i := range all {
		id := string(all[i].ID)
		if !key.Matches(&all[i]) || known[id] || c.state.claimed[id] {
			continue
		}
		var got any
		if json.Unmarshal(all[i].Configuration, &got) == nil && covers(sent, got) {
			mine = append(mine, all[i])
		} else {
			others = append(others, all[i])
		}
	}
	if len(mine) == 1 {
		id := string(mine[0].ID)
		for _, m := range []*map[string]bool{&c.state.claimed, &c.state.created} {
			if *m == nil {
				*m = map[string]bool{}
			}
			(*m)[id] = true
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].ID < mine[j].ID })
	sort.Slice(others, func(i, j int) bool { return others[i].ID < others[j].ID })
	return mine, others
}

// covers: every value sent is in got, equal or masked (the API reads a
// secret back as a run of asterisks); got may hold more (server defaults).
func covers(sent, got any) bool {
	switch s := sent.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range s {
			if !covers(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(s) {
			return false
		}
		for i := range s {
			if !covers(s[i], g[i]) {
				return false
			}
		}
		return true
	case string:
		g, ok := got.(string)
		return ok && (g == s || (len(g) >= 3 && strings.Trim(g, "*") == ""))
	}
	return reflect.DeepEqual(sent, got)
}

func joinIDs(conns []Connection) string {
	ids := make([]string, len(conns))
	for i := range conns {
		ids[i] = string(conns[i].ID)
	}
	return strings.Join(ids, ", ")
}

// RaceError: a connection this process created has a same-name twin that
// its first listing did not hold.
type RaceError struct {
	Name, ID, BaseURL string
	Others            []string
}

func (e *RaceError) Error() string {
	return fmt.Sprintf("connection %q was created with id %s, but the endpoint %s now also holds another connection with the same connector, brand and name that was not there before: id %s (another stack, the UI, or a retried request created it at the same time)",
		e.Name, e.ID, e.BaseURL, strings.Join(e.Others, ", "))
}

// Twins checks a listing taken after this process's creates: for each
// connection it created, any other connection with the same key that the
// process's first listing did not hold is a same-name race (another stack
// deploying the same name at the same time, or a refused POST stored after
// all). The read-back data source runs it on the listing it takes anyway,
// so the check costs no request.
func (c *Client) Twins(all []Connection) []*RaceError {
	s := &c.state
	s.mu.Lock()
	defer s.mu.Unlock()
	known := make(map[string]bool, len(s.listing))
	for i := range s.listing {
		known[string(s.listing[i].ID)] = true
	}
	var out []*RaceError
	for id, key := range s.keys {
		var others []string
		for i := range all {
			other := string(all[i].ID)
			if other != id && !known[other] && key.Matches(&all[i]) {
				others = append(others, other)
			}
		}
		if len(others) > 0 {
			sort.Strings(others)
			out = append(out, &RaceError{Name: key.Name, ID: id, BaseURL: c.baseURL, Others: others})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Update PUTs the whole connection. An answer about another id is an error.
func (c *Client) Update(ctx context.Context, id string, in ConnectionInput) (*Connection, error) {
	in.ID = id
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding the connection: %v", err)
	}
	p := connPath(id)
	var attempts int
	res, err := c.do(ctx, http.MethodPut, p, body, callOpts{attempts: &attempts, secrets: in.Secrets})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		return nil, c.unexpected(http.MethodPut, p, res, attempts, in.Secrets)
	}
	if len(bytes.TrimSpace(res.Body)) == 0 {
		return nil, nil
	}
	conn, err := decodeConnection(http.MethodPut, p, res.Body)
	if err != nil {
		return nil, err
	}
	if conn.ID != "" && string(conn.ID) != id {
		return nil, &IdentityError{Call: "PUT " + p, Want: id, Got: c.Scrub(string(conn.ID), in.Secrets...)}
	}
	conn.ID = FlexString(id)
	return conn, nil
}

// Delete removes a connection; 404 (already gone) is success.
func (c *Client) Delete(ctx context.Context, id string) error {
	p := connPath(id)
	var attempts int
	res, err := c.do(ctx, http.MethodDelete, p, nil, callOpts{attempts: &attempts})
	if err != nil {
		return err
	}
	switch res.StatusCode {
	case http.StatusOK, http.StatusNoContent, http.StatusAccepted, http.StatusNotFound:
		c.record(&c.state.deleted, id)
		return nil
	}
	return c.unexpected(http.MethodDelete, p, res, attempts, nil)
}
