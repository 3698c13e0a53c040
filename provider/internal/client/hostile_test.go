package client_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

// The hostile server table: an API (or a proxy, load balancer or captive portal in front of it) that
// answers as the emulator never does. Each row sets one behaviour up, makes one call and checks what the
// client did about it.

// signingKey has characters that JSON, URL and base64 encode differently.
const signingKey = `Sig"n/K+e&y<1>=é`

func secretInput(name string) client.ConnectionInput {
	cfg, _ := json.Marshal(map[string]any{"url": "https://x/" + name, "headers": map[string]any{"webhookSigningKey": signingKey}})
	return client.ConnectionInput{Name: name, ConnectorID: "http-webhook", Configuration: cfg, Secrets: []string{signingKey}}
}

// forms are the ways a secret can be echoed: raw, JSON-escaped, URL-encoded, base64.
func forms(secret string) []string {
	j, _ := json.Marshal(secret)
	return []string{secret, string(j[1 : len(j)-1]), url.QueryEscape(secret), url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret))}
}

func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range forms(s) {
			if strings.Contains(text, f) {
				t.Fatalf("secret form %q leaked into %q", f, text)
			}
		}
	}
}

// elsewhere is another origin that must never hear from the client.
type elsewhere struct {
	*httptest.Server
	hits atomic.Int32
	seen sync.Map // what it received: "auth", "body"
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		e.seen.Store("auth", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"9999","name":"a","connectorId":"http-webhook"}`))
	}))
	t.Cleanup(e.Close)
	return e
}

// withBody serves s behind a front that hands the request body to intercept first; intercept answers
// (true) or lets s answer.
func withBody(t *testing.T, s *fakeapi.Server, intercept func(w http.ResponseWriter, r *http.Request, body []byte) bool) string {
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if intercept(w, r, body) {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

func redirectTo(target string, code int, method, prefix string) fakeapi.Hook {
	return func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" || r.Method != method || !strings.HasPrefix(r.URL.RequestURI(), prefix) {
			return false
		}
		w.Header().Set("Location", target+r.URL.RequestURI()+"?sig=abc")
		w.WriteHeader(code)
		return true
	}
}

func TestARedirectOnAPOSTIsAnErrorAndNothingLeavesTheOrigin(t *testing.T) {
	s, other := fakeapi.New(t), newElsewhere(t)
	s.SetHook(redirectTo(other.URL, http.StatusTemporaryRedirect, "POST", "/connections"))
	_, _, err := newClient(t, s.URL, nil).Create(context.Background(), secretInput("a"))
	if err == nil || !strings.Contains(err.Error(), "307") || !strings.Contains(err.Error(), other.URL) || strings.Contains(err.Error(), "sig=abc") {
		t.Fatalf("error %v", err)
	}
	if other.hits.Load() != 0 || s.Count() != 0 {
		t.Fatalf("%d requests reached the other origin, %d stored", other.hits.Load(), s.Count())
	}
}

func TestARedirectOnTheTokenEndpointNeverSendsTheClientSecretElsewhere(t *testing.T) {
	s, other := fakeapi.New(t), newElsewhere(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == fakeapi.TokenPath {
			w.Header().Set("Location", other.URL+"/token")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		s.Config.Handler.ServeHTTP(w, r)
	}))
	defer front.Close()
	_, err := newClient(t, front.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "307") || !strings.Contains(err.Error(), "redirect to "+other.URL) {
		t.Fatalf("error %v", err)
	}
	if other.hits.Load() != 0 {
		t.Fatalf("the token request followed the redirect")
	}
}

func TestARedirectOnAListGETNeverSendsTheBearerToAnotherPort(t *testing.T) {
	s, other := fakeapi.New(t), newElsewhere(t)
	s.SetHook(redirectTo(other.URL, http.StatusFound, "GET", "/connections?"))
	_, err := newClient(t, s.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "302") {
		t.Fatalf("error %v", err)
	}
	if other.hits.Load() != 0 {
		t.Fatalf("the bearer token went to %s", other.URL)
	}
}

func TestA400QuotingTheRequestNeverPrintsTheSecretInAnyForm(t *testing.T) {
	s := fakeapi.New(t)
	base := withBody(t, s, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method != "POST" || r.URL.Path != "/connections" {
			return false
		}
		echo := fmt.Sprintf("invalid request: %s (form %s, b64 %s)", body, url.QueryEscape(signingKey), base64.StdEncoding.EncodeToString([]byte(signingKey)))
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": echo})
		return true
	})
	var logs strings.Builder
	c := newClient(t, base, func(cfg *client.Config) {
		cfg.Logf = func(_ context.Context, msg string, f map[string]any) { fmt.Fprintln(&logs, msg, f) }
	})
	_, _, err := c.Create(context.Background(), secretInput("a"))
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), client.Redacted) {
		t.Fatalf("error %v", err)
	}
	assertNoSecret(t, err.Error()+logs.String(), signingKey, "csecret")
}

func TestATokenEndpointEchoingTheSecretIsNeverQuoted(t *testing.T) {
	s := fakeapi.New(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == fakeapi.TokenPath {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "bad secret " + r.PostForm.Get("client_secret")})
			return
		}
		s.Config.Handler.ServeHTTP(w, r)
	}))
	defer front.Close()
	var logs strings.Builder
	c := newClient(t, front.URL, func(cfg *client.Config) {
		cfg.ClientSecret = "wrong-secret-5f4e"
		cfg.Logf = func(_ context.Context, msg string, f map[string]any) { fmt.Fprintln(&logs, msg, f) }
	})
	_, err := c.ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "bad secret") {
		t.Fatalf("error %v", err)
	}
	assertNoSecret(t, err.Error()+logs.String(), "wrong-secret-5f4e")
}

func TestAMalformedAnswerQuotingTheBearerIsScrubbedFromTheTransportError(t *testing.T) {
	// A status line Go cannot parse: its transport error quotes it, here the bearer token.
	s := fakeapi.New(t)
	var token atomic.Value
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" {
			return false
		}
		auth := r.Header.Get("Authorization")
		token.Store(strings.TrimPrefix(auth, "Bearer "))
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return true
		}
		_, _ = buf.WriteString("HTTP/1.1 " + strings.TrimPrefix(auth, "Bearer ") + " OK\r\n\r\n")
		_ = buf.Flush()
		_ = conn.Close()
		return true
	})
	_, err := newClient(t, s.URL, func(c *client.Config) { c.MaxRetries = 0 }).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "malformed HTTP") || !strings.Contains(err.Error(), client.Redacted) {
		t.Fatalf("error %v", err)
	}
	assertNoSecret(t, err.Error(), token.Load().(string))
}

func TestAnAPIMessageQuotingTheBearerIsScrubbed(t *testing.T) {
	s := fakeapi.New(t)
	var token atomic.Value
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" {
			return false
		}
		token.Store(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "token " + r.Header.Get("Authorization") + " not allowed"})
		return true
	})
	_, err := newClient(t, s.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("error %v", err)
	}
	assertNoSecret(t, err.Error(), token.Load().(string))
}

func TestAReadAnsweringAnotherIdIsRefused(t *testing.T) {
	s := fakeapi.New(t)
	asked := s.Put(conn("mine"))
	other := s.Put(conn("theirs"))
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" || r.Method != "GET" || r.URL.Path != "/connections/"+asked {
			return false
		}
		_ = json.NewEncoder(w).Encode(s.Get(other))
		return true
	})
	_, err := newClient(t, s.URL, nil).Get(context.Background(), asked)
	var ie *client.IdentityError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), asked) {
		t.Fatalf("error %v", err)
	}
}

func TestAPUTAnsweringAnotherIdIsRefused(t *testing.T) {
	s := fakeapi.New(t)
	asked := s.Put(conn("mine"))
	other := s.Put(conn("theirs"))
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "after" || r.Method != "PUT" {
			return false
		}
		_ = json.NewEncoder(w).Encode(s.Get(other))
		return true
	})
	_, err := newClient(t, s.URL, nil).Update(context.Background(), asked, input("mine"))
	var ie *client.IdentityError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v", err)
	}
}

// answerWithoutID strips the id from POST answers and sets Location instead.
func answerWithoutID(s *fakeapi.Server, location func(id string) string) fakeapi.Hook {
	return func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "after" || r.Method != "POST" {
			return false
		}
		id := strconv.Itoa(1000 + s.Count())
		if loc := location(id); loc != "" {
			w.Header().Set("Location", loc)
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"name":"a","connectorId":"http-webhook"}`))
		return true
	}
}

func TestACreateTakesItsIdOnlyFromALocationOnTheConfiguredOriginAndBasePath(t *testing.T) {
	for _, tc := range []struct {
		name     string
		location func(base, id string) string
		wantID   bool
	}{
		{"relative path under the base", func(_, id string) string { return "/connections/" + id }, true},
		{"absolute on the origin", func(base, id string) string { return base + "/connections/" + id }, true},
		{"another origin", func(_, id string) string { return "http://127.0.0.2:1/connections/" + id }, false},
		{"another path", func(_, id string) string { return "/elsewhere/" + id }, false},
		{"no Location", func(string, string) string { return "" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeapi.New(t)
			s.SetHook(answerWithoutID(s, func(id string) string { return tc.location(s.URL, id) }))
			got, _, err := newClient(t, s.URL, nil).Create(context.Background(), input("a"))
			if tc.wantID {
				if err != nil || string(got.ID) != "1001" {
					t.Fatalf("got %+v, %v", got, err)
				}
				return
			}
			if err == nil || got != nil || !strings.Contains(err.Error(), "connection id") {
				t.Fatalf("got %+v, error %v", got, err)
			}
		})
	}
}

// lateCommit answers POSTs with status, and stores the connection only once the client has looked for it
// and not found it: just after answering the first listing that follows the POST. An event, not a delay,
// so a loaded machine cannot move the commit before that look or past the client's window.
func lateCommit(t *testing.T, s *fakeapi.Server, status int, posts *atomic.Int32) string {
	var mu sync.Mutex
	var pending map[string]any
	return withBody(t, s, func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == "POST" && r.URL.Path == "/connections":
			posts.Add(1)
			_ = json.Unmarshal(body, &pending)
			w.WriteHeader(status)
			return true
		case r.Method == "GET" && r.URL.Path == "/connections" && pending != nil:
			s.Config.Handler.ServeHTTP(w, r)
			s.Put(pending)
			pending = nil
			return true
		}
		return false
	})
}

func TestALateCommitIsFoundWithinTheWindowAndNeverDuplicated(t *testing.T) {
	s := fakeapi.New(t)
	var posts atomic.Int32
	base := lateCommit(t, s, http.StatusGatewayTimeout, &posts)
	c := newClient(t, base, nil)
	// The commit waits for the client's first look, so the window only bounds a failing run: wide, so that
	// a slow listing on a loaded machine does not end the watch before the second look.
	c.CommitWindow = 30 * time.Second
	got, evidence, err := c.Create(context.Background(), secretInput("a"))
	if err != nil || got.Name != "a" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if posts.Load() != 1 || s.Count() != 1 || !strings.Contains(evidence, "no second POST") {
		t.Fatalf("%d POSTs, %d stored, evidence %q", posts.Load(), s.Count(), evidence)
	}
}

func TestALostPOSTThatNeverCommitsFailsWithoutASecondPOST(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(5, "before", "POST", "/connections", http.StatusBadGateway, nil))
	_, _, err := newClient(t, s.URL, nil).Create(context.Background(), input("a"))
	if err == nil || !strings.Contains(err.Error(), "not re-sent") || !strings.Contains(err.Error(), `no new connection named "a" appeared`) {
		t.Fatalf("error %v", err)
	}
	if n := s.CountRequests("POST"); n != 1 {
		t.Fatalf("%d POSTs", n)
	}
}

// onFirst runs do on the first request at this stage with this method; do answers it (true) or not.
func onFirst(stage, method string, do func(w http.ResponseWriter) bool) fakeapi.Hook {
	var once sync.Once
	return func(st string, w http.ResponseWriter, r *http.Request) bool {
		hit := false
		if st == stage && r.Method == method {
			once.Do(func() { hit = do(w) })
		}
		return hit
	}
}

func TestALostPOSTNeverTakesASameNameConnectionWithAnotherConfiguration(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(onFirst("before", "POST", func(w http.ResponseWriter) bool {
		s.Put(conn("a")) // another stack's, with its own destination
		w.WriteHeader(http.StatusBadGateway)
		return true
	}))
	_, _, err := newClient(t, s.URL, nil).Create(context.Background(), secretInput("a"))
	if err == nil || !strings.Contains(err.Error(), "none holds the configuration sent") || !strings.Contains(err.Error(), "1001") {
		t.Fatalf("error %v", err)
	}
}

func TestTheSameNameCreatedElsewhereAtTheSameTimeIsATwinNamingBothIds(t *testing.T) {
	s := fakeapi.New(t)
	s.Put(conn("a-before")) // there before: never a twin
	s.SetHook(onFirst("after", "POST", func(http.ResponseWriter) bool {
		s.Put(conn("a")) // the other stack's POST lands too
		return false
	}))
	c := newClient(t, s.URL, nil)
	got, _, err := c.Create(context.Background(), input("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Create(context.Background(), input("b")); err != nil {
		t.Fatal(err)
	}
	all, err := c.ListAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	races := c.Twins(all)
	if len(races) != 1 || races[0].ID != string(got.ID) || len(races[0].Others) != 1 || races[0].Others[0] == races[0].ID {
		t.Fatalf("twins %+v", races)
	}
	if msg := races[0].Error(); !strings.Contains(msg, races[0].ID) || !strings.Contains(msg, races[0].Others[0]) {
		t.Fatalf("message %q", msg)
	}
}

func TestPendingDuplicateChecksShareListings(t *testing.T) {
	s := fakeapi.New(t)
	// The 10 POSTs are stored, and their answers lost together once the 10th is stored: the checks are
	// pending at the same time by construction, not by how fast a loaded machine runs 10 goroutines.
	var stored atomic.Int32
	allStored := make(chan struct{})
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		switch {
		case st == "before" && r.Method == "GET":
			time.Sleep(30 * time.Millisecond) // a listing takes time, as over a real network
		case st == "after" && r.Method == "POST":
			if stored.Add(1) == 10 {
				close(allStored)
			}
			select {
			case <-allStored:
			case <-r.Context().Done():
			}
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	c := newClient(t, s.URL, nil)
	if _, err := c.CachedListing(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, _, err := c.Create(context.Background(), input(fmt.Sprint("n", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// 10 lost POSTs: without sharing, 10 listings after the first.
	if n := s.CountRequests("GET /connections?"); n > 1+3 || s.Count() != 10 {
		t.Fatalf("%d listings for 10 lost POSTs, %d stored", n, s.Count())
	}
}

func TestA503OrA429IsReSentWithoutAnyListing(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(2, "before", "POST", "/connections", http.StatusServiceUnavailable, nil))
	c := newClient(t, s.URL, nil)
	if _, _, err := c.Create(context.Background(), input("a")); err != nil {
		t.Fatal(err)
	}
	if n := s.CountRequests("GET /connections?"); n != 1 || s.CountRequests("POST") != 3 {
		t.Fatalf("%d listings (want the snapshot only), %d POSTs", n, s.CountRequests("POST"))
	}
}

func TestAPageLargerThanTheCapIsAnErrorNamingIt(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" || r.Method != "GET" {
			return false
		}
		_, _ = w.Write([]byte("[" + strings.Repeat(" ", client.MaxBodyBytes) + "]"))
		return true
	})
	_, err := newClient(t, s.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("larger than %d MiB", client.MaxBodyBytes>>20)) {
		t.Fatalf("error %v", err)
	}
}

func TestANeverEndingPagerStopsAtThePageCap(t *testing.T) {
	s := fakeapi.New(t)
	var served atomic.Int32
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" || r.Method != "GET" {
			return false
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("pageIndex"))
		served.Add(1)
		items := make([]map[string]any, client.PageSize)
		for i := range items {
			items[i] = map[string]any{"id": fmt.Sprint(page*1000 + i), "name": "n", "connectorId": "x"}
		}
		_ = json.NewEncoder(w).Encode(items)
		return true
	})
	_, err := newClient(t, s.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "after 1000 pages") || served.Load() != 1000 {
		t.Fatalf("%d pages served, error %v", served.Load(), err)
	}
}

func TestAMalformedListItemIsRefused(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(func(st string, w http.ResponseWriter, r *http.Request) bool {
		if st != "before" || r.Method != "GET" {
			return false
		}
		_, _ = w.Write([]byte(`[{"id":"1","name":"a","connectorId":"x"},{"name":"no id","connectorId":"x"}]`))
		return true
	})
	_, err := newClient(t, s.URL, nil).ListAll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "item 2 is not a well-formed connection") {
		t.Fatalf("error %v", err)
	}
}

func TestNothingListeningFailsAtOnceInsteadOfRetrying(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	var waits func() []string
	c := newClient(t, "http://"+addr, func(cfg *client.Config) {
		cfg.ClientID, cfg.ClientSecret, cfg.BearerToken = "", "", "tok"
		waits = retryWaits(cfg)
	})
	_, err = c.ListAll(context.Background())
	var ae *client.APIError
	if !errors.As(err, &ae) || !ae.Unreachable || ae.Attempts != 1 || len(waits()) != 0 {
		t.Fatalf("waits %v, error %v", waits(), err)
	}
}

func TestDebugLogsNeverHoldASecret(t *testing.T) {
	s := fakeapi.New(t)
	s.SetHook(failN(1, "after", "POST", "/connections", http.StatusBadGateway, nil))
	var logs strings.Builder
	var mu sync.Mutex
	var tokens []string
	c := newClient(t, s.URL, func(cfg *client.Config) {
		cfg.Logf = func(_ context.Context, msg string, f map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(&logs, msg, f)
		}
	})
	if _, _, err := c.Create(context.Background(), secretInput("a")); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= s.TokenRequests; i++ {
		tokens = append(tokens, fmt.Sprint("tok-", i))
	}
	if logs.Len() == 0 {
		t.Fatal("no debug lines")
	}
	assertNoSecret(t, logs.String(), append(tokens, signingKey, "csecret")...)
}
