package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/fakeapi"
)

// fakeClock is a settable clock for the limiter.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestLimiter() (*limiter, *fakeClock) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	c := &Client{MaxRetryAfter: time.Minute, Now: clock.now}
	return newLimiter(clock.now, c.retryAfter), clock
}

// send waits for a slot on the fake clock and returns the send time.
func send(l *limiter, clock *fakeClock) time.Time {
	for {
		at, ok := l.take()
		if ok {
			return at
		}
		clock.t = at
	}
}

func answer(code int, retryAfter string) *response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &response{StatusCode: code, Header: h}
}

func TestRequestsLeaveAtOnceUntilTheServerRefusesOne(t *testing.T) {
	l, clock := newTestLimiter()
	for i := 0; i < 100; i++ {
		at, ok := l.take()
		if !ok {
			t.Fatalf("request %d held back until %v with no refusal seen", i, at.Sub(clock.now()))
		}
		l.observe(at, answer(200, ""))
	}
}

func TestARefusalSetsTheRateAFifthUnderWhatWasAcceptedAndSpacesRequests(t *testing.T) {
	l, clock := newTestLimiter()
	for i := 0; i < 8; i++ { // 8 accepted in 2 s: 4 per second
		l.observe(send(l, clock), answer(200, ""))
		clock.advance(250 * time.Millisecond)
	}
	l.observe(send(l, clock), answer(503, ""))
	if got := l.Rate(); got != 4*limiterCut {
		t.Fatalf("rate %v, want %v (a fifth under the 4/s accepted over the last 2 s)", got, 4*limiterCut)
	}
	first, second := send(l, clock), send(l, clock)
	if got := second.Sub(first); got != time.Duration(float64(time.Second)/(4*limiterCut)) {
		t.Fatalf("requests %v apart, want 1/rate", got)
	}
	if l.starting {
		t.Fatal("a measured rate is not doubled")
	}
}

func TestRefusalsOfRequestsSentBeforeACutDoNotCutAgain(t *testing.T) {
	l, clock := newTestLimiter()
	burst := make([]time.Time, 10)
	for i := range burst {
		burst[i] = send(l, clock)
	}
	clock.advance(10 * time.Millisecond)
	for _, sent := range burst {
		l.observe(sent, answer(503, ""))
	}
	if got := l.Rate(); got != limiterFirstRate {
		t.Fatalf("rate %v after one burst refused, want one cut to %v", got, limiterFirstRate)
	}
}

func TestTheRateDoublesUntilTheNextRefusalThenGrowsSlowly(t *testing.T) {
	l, clock := newTestLimiter()
	start := clock.now()
	l.observe(send(l, clock), answer(503, "")) // rate 1, doubling
	// The first paced request leaves 1 s after the refusal; then 2 s of
	// requests accepted at the paced rate.
	for clock.now().Before(start.Add(3 * time.Second)) {
		l.observe(send(l, clock), answer(200, ""))
	}
	fast := l.Rate()
	if fast < 3.5 || fast > 8 {
		t.Fatalf("rate %v after 2 s accepted from 1/s, want it doubled about twice", fast)
	}
	clock.advance(time.Second)
	l.observe(send(l, clock), answer(503, ""))
	if got := l.Rate(); got != fast*limiterStartCut {
		t.Fatalf("rate %v after the refusal that ends the doubling, want %v", got, fast*limiterStartCut)
	}
	before := l.Rate()
	clock.advance(time.Second)
	l.observe(send(l, clock), answer(200, ""))
	if got := l.Rate(); got != before*(1+limiterGrowth/before) {
		t.Fatalf("rate %v after one accepted, want %v", got, before*(1+limiterGrowth/before))
	}
	clock.advance(time.Second)
	l.observe(send(l, clock), answer(429, ""))
	if got, want := l.Rate(), before*(1+limiterGrowth/before)*limiterCut; got != want {
		t.Fatalf("rate %v after a later refusal, want a cut to %v", got, want)
	}
}

func TestRetryAfterHoldsBackEveryRequestUntilThen(t *testing.T) {
	l, clock := newTestLimiter()
	start := clock.now()
	l.observe(send(l, clock), answer(429, "3"))
	if at := send(l, clock); at.Before(start.Add(3 * time.Second)) {
		t.Fatalf("a request may leave %v after a Retry-After of 3 s", at.Sub(start))
	}
}

func TestOnlyATooManyRequestsOrAServiceUnavailableIsARefusal(t *testing.T) {
	for _, code := range []int{200, 201, 204, 400, 404, 409, 500, 502, 504} {
		l, clock := newTestLimiter()
		l.observe(send(l, clock), answer(code, ""))
		if l.Rate() != 0 {
			t.Fatalf("HTTP %d set a rate", code)
		}
	}
}

// leakyBucket refuses, as NGINX's limit_req does, a request that would
// overflow burst units of a bucket draining at rate a second.
func leakyBucket(rate, burst float64, refusals *int) fakeapi.Hook {
	var mu sync.Mutex
	level, at := 0.0, time.Now()
	return func(stage string, w http.ResponseWriter, _ *http.Request) bool {
		if stage != "before" {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		level = max(0, level-now.Sub(at).Seconds()*rate)
		at = now
		if level+1 <= burst {
			level++
			return false
		}
		*refusals++
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
}

// seedConnections stores n connections on the fake API and returns their ids.
func seedConnections(s *fakeapi.Server, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = s.Put(map[string]any{"name": fmt.Sprint("c", i), "connectorId": "http-webhook", "configuration": map[string]any{}})
	}
	return ids
}

// getInParallel reads each id `times` times, one goroutine per id, and returns the errors.
func getInParallel(c *Client, ids []string, times int) []error {
	var wg sync.WaitGroup
	errs := make(chan error, len(ids)*times)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range times {
				if _, err := c.Get(context.Background(), id); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

func TestParallelCallsUnderARateLimitAllSucceedWithTheDefaultRetries(t *testing.T) {
	s := fakeapi.New(t)
	ids := seedConnections(s, 10)
	refusals := 0
	s.SetHook(leakyBucket(20, 2, &refusals))
	c, err := New(Config{BaseURL: s.URL, ClientID: "cid", ClientSecret: "csecret", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c.BaseBackoff = 10 * time.Millisecond

	for _, err := range getInParallel(c, ids, 4) { // 10 in parallel, 4 reads each: 40 at 20/s
		t.Error(err)
	}
	if refusals > 20 {
		t.Errorf("%d refusals for 40 reads: the client did not slow down", refusals)
	}
}

func TestARefusalCountsAgainstRetriesOnlyWhenTheRequestLeftAtTheCurrentRate(t *testing.T) {
	l, clock := newTestLimiter()
	burst := []time.Time{send(l, clock), send(l, clock)}
	clock.advance(10 * time.Millisecond)
	if l.observe(burst[0], answer(503, "")) {
		t.Error("a refusal of a request sent before any rate was learned was counted")
	}
	if l.observe(burst[1], answer(503, "")) {
		t.Error("a refusal of a request sent before the last cut was counted")
	}
	paced := send(l, clock)
	if !l.observe(paced, answer(503, "")) {
		t.Error("a refusal of a request sent at the learned rate was not counted")
	}
	if !l.observe(send(l, clock), answer(200, "")) {
		t.Error("an accepted request was not counted")
	}
}

// refuseAtFirst answers 503 to every connection request within window of the first one, as a server
// whose bucket another client had just filled.
func refuseAtFirst(window time.Duration, refusals *int) fakeapi.Hook {
	var mu sync.Mutex
	var first time.Time
	return func(stage string, w http.ResponseWriter, r *http.Request) bool {
		if stage != "before" || !strings.Contains(r.URL.Path, "/connections") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if first.IsZero() {
			first = time.Now()
		}
		if time.Since(first) >= window {
			return false
		}
		*refusals++
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
}

func TestABurstRefusedWhileTheLimiterLearnsTheRateUsesUpNoRetries(t *testing.T) {
	s := fakeapi.New(t)
	ids := seedConnections(s, 3)
	// The first burst is refused before any rate is learned (the limiter's own learning); the first
	// re-send, a second later at the learned rate, is refused too and uses the one retry; the next passes.
	refusals := 0
	s.SetHook(refuseAtFirst(1500*time.Millisecond, &refusals))
	c, err := New(Config{BaseURL: s.URL, ClientID: "cid", ClientSecret: "csecret", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range getInParallel(c, ids, 1) {
		t.Errorf("refused while the limiter was learning, then once at its rate: %v", err)
	}
	if refusals < len(ids)+1 {
		t.Fatalf("%d refusals: the test did not refuse a re-send at the learned rate", refusals)
	}
}
