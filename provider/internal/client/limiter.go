package client

import (
	"context"
	"sync"
	"time"
)

// Rate learning, in the manner of TCP's congestion control: no limit until
// the server refuses a request; then a fifth under the rate it accepted over
// the last seconds. With too few accepted requests to tell (a burst refused
// at once), the rate starts at that count and doubles every second while
// nothing is refused, so that a lone refusal early on does not leave the
// process crawling, and the next refusal halves it. From then on each
// refusal cuts the rate by a fifth, and it grows by a tenth per second while
// none comes.
const (
	// limiterWindow is how far back accepted requests count for the first
	// estimate of the allowed rate.
	limiterWindow = 2 * time.Second
	// limiterCut multiplies the rate on a refusal of a request sent at the
	// current rate; limiterStartCut ends the doubling.
	limiterCut      = 0.8
	limiterStartCut = 0.5
	// limiterGrowth and limiterStartGrowth are what the rate grows by per
	// second of accepted requests, as a natural log (per accepted request:
	// growth / rate): x1.105 and x2.
	limiterGrowth      = 0.1
	limiterStartGrowth = 0.693
	// limiterFirstRate is the least first estimate: refusals come back before
	// the accepted answers of the same burst, so the first may have seen none.
	limiterFirstRate = 1.0
	// limiterSamples accepted requests within limiterWindow make a measured
	// rate; fewer, and the rate is found by doubling.
	limiterSamples = 4
	// limiterMinRate keeps a run of refusals from stalling the process.
	limiterMinRate = 0.2
	// limiterEchoRetries bounds the re-sends of one request whose refusals
	// were not counted against max_retries (see observe), so that a server
	// that refuses everything still fails the call.
	limiterEchoRetries = 10
)

// limiter paces every API request of one client (one provider process, every
// resource and data source): NGINX's limit_req refuses whatever exceeds its
// rate, so parallel resources retrying on their own would multiply the very
// traffic it refuses. It learns the allowed rate from refusals (429, 503),
// spaces requests evenly at that rate, and holds every request back until a
// Retry-After has passed.
type limiter struct {
	now        func() time.Time
	retryAfter func(string) (time.Duration, bool)

	mu          sync.Mutex
	rate        float64   // requests per second; 0 = no refusal seen, no pacing
	starting    bool      // doubling, until the next refusal
	next        time.Time // the earliest a paced request may leave
	pausedUntil time.Time // Retry-After
	cutAt       time.Time // the last cut: refusals of requests sent before it are its own echo
	started     time.Time
	accepted    []time.Time // send times of accepted requests within limiterWindow
}

func newLimiter(now func() time.Time, retryAfter func(string) (time.Duration, bool)) *limiter {
	return &limiter{now: now, retryAfter: retryAfter}
}

// take gives the current time as a send slot (true), or the earliest time to
// ask again (false): never before a Retry-After has passed, and at the
// learned rate a slot a 1/rate after the previous one. Slots are not booked
// ahead, so waiters always leave at the current rate, not the one they
// queued at.
func (l *limiter) take() (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.started.IsZero() {
		l.started = now
	}
	at := l.pausedUntil
	if l.rate > 0 && l.next.After(at) {
		at = l.next
	}
	if at.After(now) {
		return at, false
	}
	if l.rate > 0 {
		l.next = now.Add(time.Duration(float64(time.Second) / l.rate))
	}
	return now, true
}

// wait blocks until the request may leave and returns its send time.
func (l *limiter) wait(ctx context.Context) (time.Time, error) {
	for {
		at, ok := l.take()
		if ok {
			return at, nil
		}
		if err := sleep(ctx, at.Sub(l.now())); err != nil {
			return at, err
		}
	}
}

// observe learns from the answer to a request sent at sent (res nil: no
// answer, nothing learned). counted is false for a refusal that says nothing
// about this request, only about the limiter: the request left before any
// rate was learned, or before the last cut (the server was still refusing
// the rate the limiter had already given up). Such a refusal is the
// limiter's own learning and does not use up the request's retries.
func (l *limiter) observe(sent time.Time, res *response) (counted bool) {
	if res == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !Refused(res.StatusCode) {
		if l.rate > 0 {
			growth := limiterGrowth
			if l.starting {
				growth = limiterStartGrowth
			}
			l.rate *= 1 + growth/l.rate
			return true
		}
		l.accepted = append(l.accepted, sent)
		for len(l.accepted) > 0 && l.accepted[0].Before(now.Add(-limiterWindow)) {
			l.accepted = l.accepted[1:]
		}
		return true
	}
	if ra, ok := l.retryAfter(res.Header.Get("Retry-After")); ok && now.Add(ra).After(l.pausedUntil) {
		l.pausedUntil = now.Add(ra)
	}
	counted = true
	switch {
	case l.rate == 0:
		counted = false
		n, span := l.acceptedSince(now)
		if n >= limiterSamples {
			l.rate = float64(n) / span.Seconds() * limiterCut
		} else {
			l.rate, l.starting = max(float64(n)/span.Seconds(), limiterFirstRate), true
		}
	case sent.Before(l.cutAt):
		return false // sent before the last cut: already accounted for
	case l.starting:
		l.rate, l.starting = l.rate*limiterStartCut, false
	default:
		l.rate *= limiterCut
	}
	l.rate = max(l.rate, limiterMinRate)
	l.cutAt = now
	// The refusal says the server's bucket is full: the next request waits
	// one interval at the new rate, or it would be refused too.
	if next := now.Add(time.Duration(float64(time.Second) / l.rate)); l.next.Before(next) {
		l.next = next
	}
	return counted
}

// acceptedSince counts the requests the server accepted over the last
// limiterWindow (or since the first request, if sooner, but over at least a
// second) and returns that span.
func (l *limiter) acceptedSince(now time.Time) (int, time.Duration) {
	from := now.Add(-limiterWindow)
	n := 0
	for _, t := range l.accepted {
		if !t.Before(from) {
			n++
		}
	}
	l.accepted = nil // only the first estimate needs them
	return n, min(limiterWindow, max(now.Sub(l.started), time.Second))
}

// Rate is the learned rate in requests per second (0: none learned yet).
func (l *limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}
