package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

func newClient(t *testing.T, base string, mut func(*client.Config)) *client.Client {
	t.Helper()
	cfg := client.Config{BaseURL: base + "/", ClientID: "cid", ClientSecret: "csecret", MaxRetries: 3, RequestTimeout: 2 * time.Second}
	if mut != nil {
		mut(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.BaseBackoff = 2 * time.Millisecond
	c.CommitWindow, c.LookupInterval = 300*time.Millisecond, 20*time.Millisecond
	return c
}

func conn(name string) map[string]any {
	return map[string]any{"name": name, "connectorId": "http-webhook", "configuration": map[string]any{"url": "https://x/" + name}}
}

func input(name string) client.ConnectionInput {
	return client.ConnectionInput{Name: name, ConnectorID: "http-webhook", Configuration: json.RawMessage(`{"url":"https://x/` + name + `","headers":{"key":"S3CR3T-VALUE"}}`)}
}

// failN answers the first n requests matching method+path prefix with status.
func failN(n int, stage, method, prefix string, status int, header map[string]string) fakeapi.Hook {
	var left atomic.Int32
	left.Store(int32(n))
	return func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != stage || r.Method != method || !strings.HasPrefix(r.URL.RequestURI(), prefix) {
			return false
		}
		if left.Add(-1) < 0 {
			return false
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		return true
	}
}

func TestNewDefaultsAndValidation(t *testing.T) {
	c, err := client.New(client.Config{BaseURL: "https://h.example:8443/iot-flow/v1///", ClientID: "a", ClientSecret: "b", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://h.example:8443/iot-flow/v1" {
		t.Errorf("base url %q", c.BaseURL())
	}
	if c.TokenURL() != "https://h.example:8443"+facts.TokenPath() {
		t.Errorf("token url %q", c.TokenURL())
	}
	if c.RequestTimeout() != 30*time.Second {
		t.Errorf("timeout %v", c.RequestTimeout())
	}
	for _, cfg := range []client.Config{
		{BaseURL: "https://h", ClientID: "a", ClientSecret: "b", BearerToken: "t"},
		{BaseURL: "https://h", ClientID: "a"},
		{BaseURL: "https://h"},
		{BaseURL: "h/no-scheme", BearerToken: "t"},
	} {
		if _, err := client.New(cfg); err == nil {
			t.Errorf("expected an error for %+v", cfg)
		}
	}
}

func TestListAllPaging(t *testing.T) {
	s := fakeapi.New(t)
	for i := 0; i < 250; i++ {
		s.Put(conn(fmt.Sprintf("c%03d", i)))
	}
	c := newClient(t, s.URL, nil)
	all, err := c.ListAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 250 {
		t.Fatalf("got %d connections", len(all))
	}
	if n := s.CountRequests("GET /connections?pageIndex="); n != 3 {
		t.Errorf("%d page requests, want 3", n)
	}
	// Exactly 200 = two full pages and an empty third.
	s2 := fakeapi.New(t)
	for i := 0; i < 200; i++ {
		s2.Put(conn(fmt.Sprintf("c%03d", i)))
	}
	all, err = newClient(t, s2.URL, nil).ListAll(context.Background())
	if err != nil || len(all) != 200 || s2.CountRequests("GET /connections?pageIndex=") != 3 {
		t.Errorf("200: %d items, %d requests, %v", len(all), s2.CountRequests("GET /connections?pageIndex="), err)
	}
}

func TestListAllDedupeAndIgnoredPageIndex(t *testing.T) {
	page := func(from, to int) []map[string]any {
		var out []map[string]any
		for i := from; i <= to; i++ {
			out = append(out, map[string]any{"id": strconv.Itoa(i), "name": "n", "connectorId": "x"})
		}
		return out
	}
	var calls atomic.Int32
	shifted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var out []map[string]any
		switch r.URL.Query().Get("pageIndex") {
		case "1":
			out = page(1, 100)
		case "2":
			out = page(91, 190) // a deletion shifted the pages: 10 repeats
		case "3":
			out = page(191, 200)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	defer shifted.Close()
	all, err := newClient(t, shifted.URL, func(c *client.Config) { c.ClientID, c.ClientSecret, c.BearerToken = "", "", "t" }).ListAll(context.Background())
	if err != nil || len(all) != 200 || calls.Load() != 3 {
		t.Fatalf("shifted: %d items, %d calls, %v", len(all), calls.Load(), err)
	}

	calls.Store(0)
	ignoring := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_ = json.NewEncoder(w).Encode(page(1, 100))
	}))
	defer ignoring.Close()
	all, err = newClient(t, ignoring.URL, func(c *client.Config) { c.ClientID, c.ClientSecret, c.BearerToken = "", "", "t" }).ListAll(context.Background())
	if err != nil || len(all) != 100 || calls.Load() != 2 {
		t.Fatalf("ignoring pageIndex: %d items, %d calls, %v", len(all), calls.Load(), err)
	}
}

func TestRetry503WithoutRetryAfter(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	s.SetHook(failN(2, "before", "GET", "/connections/", http.StatusServiceUnavailable, nil))
	got, err := newClient(t, s.URL, nil).Get(context.Background(), id)
	if err != nil || got.Name != "a" {
		t.Fatalf("%v %v", got, err)
	}
	if n := s.CountRequests("GET /connections/"); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestRetriesExhausted(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(100, "before", "GET", "/connections/", http.StatusBadGateway, nil))
	_, err := newClient(t, s.URL, nil).Get(context.Background(), "7")
	if err == nil || err.Error() != "GET /connections/7: HTTP 502 Bad Gateway, 4 attempts" {
		t.Fatalf("error %v", err)
	}
}

func TestRetry429RetryAfterSeconds(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	s.SetHook(failN(1, "before", "GET", "/connections/", http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}))
	start := time.Now()
	if _, err := newClient(t, s.URL, nil).Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("Retry-After: 1 not honoured, waited %v", el)
	}
}

// retryWaits records the wait the client chose before each retry (its debug line), so a test asserts the
// computed wait rather than a wall-clock duration that a loaded machine stretches.
func retryWaits(cfg *client.Config) func() []string {
	var mu sync.Mutex
	var waits []string
	cfg.Logf = func(_ context.Context, msg string, f map[string]any) {
		if msg == "retrying API call" {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, fmt.Sprint(f["wait"]))
		}
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), waits...)
	}
}

func TestRetry429RetryAfterDate(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	// A fixed clock on a whole second (HTTP dates have 1 s resolution): a date 1 s ahead is a 1 s wait exactly.
	now := time.Now().Truncate(time.Second)
	date := now.Add(time.Second).UTC().Format(http.TimeFormat)
	s.SetHook(failN(1, "before", "GET", "/connections/", http.StatusTooManyRequests, map[string]string{"Retry-After": date}))
	var waits func() []string
	c := newClient(t, s.URL, func(cfg *client.Config) { waits = retryWaits(cfg) })
	c.Now = func() time.Time { return now }
	start := time.Now()
	if _, err := c.Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if got := waits(); len(got) != 1 || got[0] != "1s" {
		t.Fatalf("waits %v, want [1s] from the Retry-After date", got)
	}
	// Only a lower bound: load makes a wait longer, never shorter.
	if el := time.Since(start); el < time.Second {
		t.Errorf("Retry-After date not honoured, waited %v", el)
	}
}

func TestRetryAfterCapped(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	s.SetHook(failN(1, "before", "GET", "/connections/", http.StatusTooManyRequests, map[string]string{"Retry-After": "999999999999"}))
	var waits func() []string
	c := newClient(t, s.URL, func(cfg *client.Config) { waits = retryWaits(cfg) })
	c.MaxRetryAfter = 100 * time.Millisecond
	// The guard only keeps an uncapped wait from hanging the run; the assertion is on the wait chosen.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := c.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got := waits(); len(got) != 1 || got[0] != "100ms" {
		t.Fatalf("waits %v, want [100ms], the cap", got)
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Fatalf("waited %v, less than the 100ms cap", el)
	}
}

func TestRetryTransportError(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	var once sync.Once
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		hit := false
		once.Do(func() {
			hit = true
			hj, _ := w.(http.Hijacker)
			cn, _, _ := hj.Hijack()
			_ = cn.Close() // connection reset, no answer
		})
		return hit
	})
	if _, err := newClient(t, s.URL, nil).Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if n := s.CountRequests("GET /connections/"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	s := fakeapi.New(t)
	release := make(chan struct{})
	defer close(release)
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	})
	c := newClient(t, s.URL, func(c *client.Config) { c.RequestTimeout = 100 * time.Millisecond; c.MaxRetries = 2 })
	// Without per-attempt deadlines this parent deadline would end the call after 1 attempt, with no
	// "no answer within 100ms": the message below tells the two apart, whatever the machine's load.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Get(ctx, "1")
	if err == nil || err.Error() != "GET /connections/1: no answer within 100ms (request_timeout_seconds), 3 attempts" {
		t.Fatalf("error %v", err)
	}
}

func TestTokenRenewalOnExpiry(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	c := newClient(t, s.URL, nil)
	now := time.Now()
	c.Now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if s.TokenRequests != 1 {
		t.Fatalf("%d token requests, want 1 (one token per process)", s.TokenRequests)
	}
	now = now.Add(3590 * time.Second) // inside the renewal margin
	if _, err := c.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	if s.TokenRequests != 2 {
		t.Fatalf("%d token requests, want 2", s.TokenRequests)
	}
}

func TestTokenRenewalOn401(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	c := newClient(t, s.URL, nil)
	ctx := context.Background()
	if _, err := c.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	s.RevokeTokens()
	if _, err := c.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	if s.TokenRequests != 2 || s.CountRequests("GET /connections/") != 3 {
		t.Fatalf("%d token requests, %d GETs", s.TokenRequests, s.CountRequests("GET /connections/"))
	}
	// A 401 that persists: exactly one renewal and one repeat, then the error.
	s.SetHook(failN(100, "before", "GET", "/connections/", http.StatusUnauthorized, nil))
	_, err := c.Get(ctx, id)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("error %v", err)
	}
	if s.TokenRequests != 3 || s.CountRequests("GET /connections/") != 5 {
		t.Fatalf("%d token requests, %d GETs", s.TokenRequests, s.CountRequests("GET /connections/"))
	}
}

func TestBadClientSecretNotRetriedNotLeaked(t *testing.T) {
	s := fakeapi.New(t)
	c := newClient(t, s.URL, func(c *client.Config) { c.ClientSecret = "wrong-secret-value" })
	_, err := c.Get(context.Background(), "1")
	if err == nil || strings.Contains(err.Error(), "wrong-secret-value") || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("error %v", err)
	}
	if s.TokenRequests != 1 {
		t.Errorf("%d token requests; a refused secret must not be retried", s.TokenRequests)
	}
}

func TestBearerModeRetries(t *testing.T) {
	s := fakeapi.New(t)
	s.BearerToken = "ready-token"
	id := s.Put(conn("a"))
	s.SetHook(failN(2, "before", "GET", "/connections/", http.StatusGatewayTimeout, nil))
	c := newClient(t, s.URL, func(c *client.Config) { c.ClientID, c.ClientSecret, c.BearerToken = "", "", "ready-token" })
	if _, err := c.Get(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if s.TokenRequests != 0 || s.CountRequests("GET /connections/") != 3 {
		t.Fatalf("%d token requests, %d GETs", s.TokenRequests, s.CountRequests("GET /connections/"))
	}
}

func TestCreateLostAnswer502(t *testing.T) {
	s := fakeapi.New(t)
	s.Put(conn("other"))
	s.SetHook(failN(1, "after", "POST", "/connections", http.StatusBadGateway, nil))
	c := newClient(t, s.URL, nil)
	got, _, err := c.Create(context.Background(), input("a"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count() != 2 || len(s.PostBodies) != 1 || got.Name != "a" || got.ID == "" {
		t.Fatalf("count %d, posts %d, got %+v", s.Count(), len(s.PostBodies), got)
	}
}

func TestCreateLostAnswerHang(t *testing.T) {
	s := fakeapi.New(t)
	release := make(chan struct{})
	defer close(release)
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st == "after" && r.Method == "POST" {
			select { // stored, but the answer never comes
			case <-release:
			case <-r.Context().Done():
			}
			return true
		}
		return false
	})
	c := newClient(t, s.URL, func(c *client.Config) { c.RequestTimeout = 150 * time.Millisecond })
	got, _, err := c.Create(context.Background(), input("a"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 || len(s.PostBodies) != 1 || got.Name != "a" {
		t.Fatalf("count %d, posts %d", s.Count(), len(s.PostBodies))
	}
}

func TestCreateLostBeforeStoringIsResent(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(1, "before", "POST", "/connections", http.StatusServiceUnavailable, nil))
	c := newClient(t, s.URL, nil)
	if _, _, err := c.Create(context.Background(), input("a")); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 || len(s.PostBodies) != 1 || s.CountRequests("POST") != 2 {
		t.Fatalf("count %d, stored posts %d, posts sent %d", s.Count(), len(s.PostBodies), s.CountRequests("POST"))
	}
}

func TestCreate429Resent(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(1, "before", "POST", "/connections", http.StatusTooManyRequests, map[string]string{"Retry-After": "0"}))
	c := newClient(t, s.URL, nil)
	if _, _, err := c.Create(context.Background(), input("a")); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 || s.CountRequests("POST") != 2 {
		t.Fatalf("count %d, posts %d", s.Count(), s.CountRequests("POST"))
	}
	// Refused requests need no listing: only the before-snapshot listing.
	if n := s.CountRequests("GET /connections?"); n != 1 {
		t.Errorf("%d listings, want 1", n)
	}
}

func TestCreateLostAnswerAmbiguous(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(onFirst("after", "POST", func(w http.ResponseWriter) bool {
		s.Put(conn("a")) // someone else created the same name meanwhile
		w.WriteHeader(http.StatusGatewayTimeout)
		return true
	}))
	_, _, err := newClient(t, s.URL, nil).Create(context.Background(), client.ConnectionInput{Name: "a", ConnectorID: "http-webhook", Configuration: json.RawMessage(`{}`)})
	if err == nil || !strings.Contains(err.Error(), "ids 1001, 1002") || !strings.HasPrefix(err.Error(), "POST /connections: HTTP 504") {
		t.Fatalf("error %v", err)
	}
	if len(s.PostBodies) != 1 {
		t.Errorf("%d posts", len(s.PostBodies))
	}
}

// Two lost POSTs in parallel each find their own connection.
func TestParallelLostPostsClaimDistinct(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(2, "after", "POST", "/connections", http.StatusBadGateway, nil))
	c := newClient(t, s.URL, nil)
	var wg sync.WaitGroup
	ids := make([]string, 2)
	for i := range 2 {
		wg.Go(func() {
			got, _, err := c.Create(context.Background(), client.ConnectionInput{Name: fmt.Sprint("n", i), ConnectorID: "x", Configuration: json.RawMessage(`{}`)})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = string(got.ID)
		})
	}
	wg.Wait()
	if ids[0] == ids[1] || s.Count() != 2 || len(s.PostBodies) != 2 {
		t.Fatalf("ids %v, count %d, posts %d", ids, s.Count(), len(s.PostBodies))
	}
}

func TestErrorsNeverCarrySecrets(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	s.SetHook(failN(100, "before", "PUT", "/connections/", http.StatusInternalServerError, nil))
	_, err := newClient(t, s.URL, nil).Update(context.Background(), id, input("a"))
	if err == nil || strings.Contains(err.Error(), "S3CR3T") || strings.Contains(err.Error(), "tok-") || strings.Contains(err.Error(), "csecret") {
		t.Fatalf("error %v", err)
	}
	if err.Error() != "PUT /connections/"+id+": HTTP 500 Internal Server Error, 1 attempt" {
		t.Fatalf("error %q", err)
	}
}

func TestDelete404IsSuccessAndCacheForgets(t *testing.T) {
	s := fakeapi.New(t)
	id := s.Put(conn("a"))
	c := newClient(t, s.URL, nil)
	ctx := context.Background()
	found, err := c.FindExisting(ctx, client.Key{ConnectorID: "http-webhook", Name: "a"})
	if err != nil || len(found) != 1 {
		t.Fatalf("%v %v", found, err)
	}
	if err := c.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, id); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	found, _ = c.FindExisting(ctx, client.Key{ConnectorID: "http-webhook", Name: "a"})
	if len(found) != 0 {
		t.Fatalf("deleted connection still found: %v", found)
	}
	if n := s.CountRequests("GET /connections?"); n != 1 {
		t.Errorf("%d listings, want 1 (cached)", n)
	}
}

func TestCachedListingShared(t *testing.T) {
	s := fakeapi.New(t)
	for i := 0; i < 150; i++ {
		s.Put(conn(fmt.Sprint(i)))
	}
	c := newClient(t, s.URL, nil)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			if _, err := c.FindExisting(context.Background(), client.Key{ConnectorID: "http-webhook", Name: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.CountRequests("GET /connections?"); n != 2 {
		t.Errorf("%d page requests for 20 checks, want 2", n)
	}
}
