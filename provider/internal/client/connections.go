package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// PageSize is the server's page size for GET /connections.
const PageSize = 100

// maxPages guards against a server that never returns a short page.
const maxPages = 10000

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
		return fmt.Errorf("expected a string or number, got %s", b)
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
}

func connPath(id string) string { return "/connections/" + url.PathEscape(id) }

func decodeConnection(method, path string, b []byte) (*Connection, error) {
	var conn Connection
	if err := json.Unmarshal(b, &conn); err != nil {
		return nil, fmt.Errorf("%s %s: cannot decode the answer as a connection: %v", method, path, err)
	}
	return &conn, nil
}

func unexpected(method, path string, res *response, attempts int) error {
	return &APIError{Method: method, Path: path, StatusCode: res.StatusCode, Status: statusText(res.StatusCode), Attempts: attempts, Message: apiMessage(res)}
}

// apiMessage is the `message` of a JSON error answer (e.g. "Max connection limit reached"), so a refusal
// says why. Only client errors are read, never echoed request fields, and the text is bounded and printable.
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
	msg := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, body.Message)
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}

// Get reads one connection. A 404 is returned as an error for which
// IsNotFound is true.
func (c *Client) Get(ctx context.Context, id string) (*Connection, error) {
	p := connPath(id)
	var attempts int
	res, err := c.do(ctx, http.MethodGet, p, nil, callOpts{attempts: &attempts})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, unexpected(http.MethodGet, p, res, attempts)
	}
	return decodeConnection(http.MethodGet, p, res.Body)
}

// ListAll reads every page of GET /connections, fresh (no cache).
func (c *Client) ListAll(ctx context.Context) ([]Connection, error) {
	var all []Connection
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("GET /connections: still getting full pages after %d pages; giving up", maxPages)
		}
		p := "/connections?pageIndex=" + strconv.Itoa(page)
		var attempts int
		res, err := c.do(ctx, http.MethodGet, p, nil, callOpts{attempts: &attempts})
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, unexpected(http.MethodGet, p, res, attempts)
		}
		var items []Connection
		if err := json.Unmarshal(res.Body, &items); err != nil {
			return nil, fmt.Errorf("GET %s: cannot decode the answer as a list of connections: %v", p, err)
		}
		fresh := 0
		for _, it := range items {
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

// Create POSTs a new connection without ever creating it twice: a POST
// whose answer is lost (timeout, reset, 502/503/504) is not re-sent blindly;
// the endpoint is listed first and a new connection with the same key is
// taken as the result of that POST.
func (c *Client) Create(ctx context.Context, in ConnectionInput) (*Connection, error) {
	in.ID = ""
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding the connection: %v", err)
	}
	key := Key{ConnectorID: in.ConnectorID, Name: in.Name}
	if in.Brand != nil {
		key.Brand = *in.Brand
	}
	// The "before" snapshot: ids that existed before this POST.
	before, err := c.CachedListing(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing connections before creating %q: %w", in.Name, err)
	}
	known := make(map[string]bool, len(before))
	for _, b := range before {
		known[string(b.ID)] = true
	}

	const p = "/connections"
	var attempts int
	for {
		res, err := c.do(ctx, http.MethodPost, p, body, callOpts{nonIdempotent: true, attempts: &attempts})
		if err == nil {
			if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
				return nil, unexpected(http.MethodPost, p, res, attempts)
			}
			conn, err := decodeConnection(http.MethodPost, p, res.Body)
			if err != nil {
				return nil, err
			}
			if conn.ID == "" {
				// Fall back on Location: /connections/{id} (relative).
				if loc := res.Header.Get("Location"); loc != "" {
					if i := strings.LastIndex(strings.TrimRight(loc, "/"), "/"); i >= 0 {
						conn.ID = FlexString(strings.TrimRight(loc, "/")[i+1:])
					}
				}
			}
			if conn.ID == "" {
				return nil, fmt.Errorf("POST %s: the answer has no connection id", p)
			}
			c.record(&c.state.created, string(conn.ID))
			c.record(&c.state.claimed, string(conn.ID))
			return conn, nil
		}
		var amb *ambiguousError
		if !errors.As(err, &amb) {
			return nil, err
		}
		c.debug(ctx, "POST answer lost; looking for the connection before re-sending", map[string]any{"name": in.Name, "error": amb.Error()})
		found, lerr := c.recoverLostPost(ctx, key, known)
		if lerr != nil {
			return nil, fmt.Errorf("%v; and listing the connections to check whether it was stored failed: %w", amb.last, lerr)
		}
		switch len(found) {
		case 1:
			c.debug(ctx, "POST answer lost but the connection was stored", map[string]any{"name": in.Name, "id": string(found[0].ID)})
			return &found[0], nil
		case 0:
			if attempts > c.maxRetries {
				return nil, amb.last
			}
			if err := sleep(ctx, c.backoff(attempts)); err != nil {
				return nil, amb.last
			}
		default:
			ids := make([]string, len(found))
			for i := range found {
				ids[i] = string(found[i].ID)
			}
			return nil, fmt.Errorf("%v; several new connections named %q appeared meanwhile (ids %s), cannot tell which one this POST created", amb.last, in.Name, strings.Join(ids, ", "))
		}
	}
}

// recoverLostPost lists everything fresh and returns the new, unclaimed
// connections with key. A single one is claimed atomically, so two parallel
// lost POSTs never take the same connection.
func (c *Client) recoverLostPost(ctx context.Context, key Key, known map[string]bool) ([]Connection, error) {
	all, err := c.ListAll(ctx)
	if err != nil {
		return nil, err
	}
	c.state.mu.Lock()
	defer c.state.mu.Unlock()
	var found []Connection
	for i := range all {
		id := string(all[i].ID)
		if key.Matches(&all[i]) && !known[id] && !c.state.claimed[id] {
			found = append(found, all[i])
		}
	}
	if len(found) == 1 {
		id := string(found[0].ID)
		if c.state.claimed == nil {
			c.state.claimed = map[string]bool{}
		}
		if c.state.created == nil {
			c.state.created = map[string]bool{}
		}
		c.state.claimed[id], c.state.created[id] = true, true
	}
	sort.Slice(found, func(i, j int) bool { return found[i].ID < found[j].ID })
	return found, nil
}

// Update PUTs the whole connection.
func (c *Client) Update(ctx context.Context, id string, in ConnectionInput) (*Connection, error) {
	in.ID = id
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding the connection: %v", err)
	}
	p := connPath(id)
	var attempts int
	res, err := c.do(ctx, http.MethodPut, p, body, callOpts{attempts: &attempts})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		return nil, unexpected(http.MethodPut, p, res, attempts)
	}
	if len(bytes.TrimSpace(res.Body)) == 0 {
		return nil, nil
	}
	return decodeConnection(http.MethodPut, p, res.Body)
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
	return unexpected(http.MethodDelete, p, res, attempts)
}
