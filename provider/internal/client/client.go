// Package client is the HTTP client of the ThingPark X IoT Flow Connections
// API: authentication, per-attempt timeouts, retries, paging and recovery of
// POSTs whose answer was lost. It deliberately has no Terraform imports so it
// can be tested and reused on its own.
package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/facts"
)

// Defaults used when the corresponding Config field is zero.
const (
	DefaultMaxRetries     = 3
	DefaultRequestTimeout = 30 * time.Second
	DefaultBaseBackoff    = time.Second
	DefaultMaxRetryAfter  = 60 * time.Second
	maxBackoff            = 30 * time.Second
	// tokenExpiryDelta renews a token this long before it expires, so a call
	// never leaves with a token that dies in flight.
	tokenExpiryDelta = 30 * time.Second
	// MaxBodyBytes caps one answer (a page of 100 connections, one connection, a token). A larger answer is
	// an error naming the cap, never read into memory.
	MaxBodyBytes = 8 << 20
)

// Config holds everything needed to build a Client.
type Config struct {
	BaseURL        string
	TokenURL       string // optional; derived from BaseURL when empty
	ClientID       string
	ClientSecret   string
	BearerToken    string
	MaxRetries     int // negative = DefaultMaxRetries; 0 = no retries
	RequestTimeout time.Duration
	HTTPClient     *http.Client
	UserAgent      string
	// Logf receives debug lines (scrubbed: never secrets or bodies); may be nil.
	Logf func(ctx context.Context, msg string, fields map[string]any)
}

// Client talks to one IoT Flow endpoint. All mutable state (token, listing
// cache, ids created by this process) hangs off the instance.
type Client struct {
	baseURL        string
	tokenURL       string
	httpClient     *http.Client
	maxRetries     int
	requestTimeout time.Duration
	userAgent      string
	logf           func(ctx context.Context, msg string, fields map[string]any)

	// BaseBackoff is the first retry wait (doubled per attempt, with jitter).
	// Tests set a few milliseconds.
	BaseBackoff time.Duration
	// MaxRetryAfter caps a server-requested Retry-After.
	MaxRetryAfter time.Duration
	// CommitWindow is how long, after a POST whose outcome is unknown, the
	// client keeps looking for the connection it may have created (a server
	// may commit after answering late). Default: the per-attempt timeout.
	CommitWindow time.Duration
	// LookupInterval spaces those looks.
	LookupInterval time.Duration
	// SettlePollInterval is the first poll interval of the data source's
	// settle wait (grows to 4x).
	SettlePollInterval time.Duration
	// Now is the clock used for token expiry; tests replace it.
	Now func() time.Time

	bearer   string
	clientID string
	cc       *clientcredentials.Config
	// origin is scheme://host[:port] of the base URL and basePath its path: all that the client sends goes
	// there (and to the token URL), nothing follows a redirect elsewhere.
	origin, basePath string
	// secrets: the client secret, the bearer and every token obtained, scrubbed from every message.
	secrets Scrubber
	// answered: some server answered this process, so "connection refused" is a restart worth retrying
	// rather than a wrong base_url or an emulator that is not running.
	answered atomic.Bool

	tokenMu sync.Mutex
	token   *oauth2.Token

	state processState
	// limiter paces every request of this process at the rate the server allows.
	limiter *limiter
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := CheckAPIURL(strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/"))
	if err != nil {
		return nil, fmt.Errorf("base_url %w", err)
	}
	base := strings.TrimRight(u.String(), "/")
	c := &Client{
		baseURL:            base,
		origin:             u.Scheme + "://" + u.Host,
		basePath:           strings.TrimRight(u.EscapedPath(), "/"),
		maxRetries:         cfg.MaxRetries,
		requestTimeout:     cfg.RequestTimeout,
		userAgent:          cfg.UserAgent,
		logf:               cfg.Logf,
		BaseBackoff:        DefaultBaseBackoff,
		MaxRetryAfter:      DefaultMaxRetryAfter,
		SettlePollInterval: 500 * time.Millisecond,
		Now:                time.Now,
	}
	c.limiter = newLimiter(time.Now, c.retryAfter)
	// No http.Client.Timeout: every attempt gets its own context deadline. Redirects are never followed
	// (token, reads and writes): a 3xx comes back as an answer and becomes an error naming where it pointed.
	hc := http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.httpClient = &hc
	c.secrets.Add(cfg.ClientSecret, cfg.BearerToken)
	if cfg.ClientID != "" && cfg.ClientSecret != "" {
		c.secrets.Add(cfg.ClientID + ":" + cfg.ClientSecret) // HTTP Basic, should a server echo it
	}
	if c.maxRetries < 0 {
		c.maxRetries = DefaultMaxRetries
	}
	if c.requestTimeout <= 0 {
		c.requestTimeout = DefaultRequestTimeout
	}
	c.CommitWindow, c.LookupInterval = max(c.requestTimeout, 5*time.Second), time.Second
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-iotflow"
	}
	hasCC := cfg.ClientID != "" || cfg.ClientSecret != ""
	switch {
	case hasCC && cfg.BearerToken != "":
		return nil, errors.New("set either client_id and client_secret, or bearer_token, not both")
	case cfg.BearerToken != "":
		c.bearer = cfg.BearerToken
	case cfg.ClientID != "" && cfg.ClientSecret != "":
		c.clientID = cfg.ClientID
		c.tokenURL = c.origin + facts.TokenPath()
		if cfg.TokenURL != "" {
			tu, err := CheckAPIURL(cfg.TokenURL)
			if err != nil {
				return nil, fmt.Errorf("token_url %w", err)
			}
			c.tokenURL = tu.String()
		}
		c.cc = &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     c.tokenURL,
			// Form-encoded id/secret: deterministic, one request per renewal
			// (auto-detect would cost a failed request first on some servers).
			AuthStyle: oauth2.AuthStyleInParams,
		}
	default:
		return nil, errors.New("no credentials: set client_id and client_secret, or bearer_token")
	}
	return c, nil
}

// BaseURL returns the normalised base URL (no trailing slash).
func (c *Client) BaseURL() string { return c.baseURL }

// TokenURL returns the OAuth2 token URL ("" in bearer mode).
func (c *Client) TokenURL() string { return c.tokenURL }

// ClientID returns the OAuth2 client id ("" in bearer mode).
func (c *Client) ClientID() string { return c.clientID }

// Scrub removes the client's secrets (client secret, bearer, tokens) and extra ones from text.
func (c *Client) Scrub(text string, extra ...string) string { return c.secrets.Scrub(text, extra...) }

// RequestTimeout returns the per-attempt deadline.
func (c *Client) RequestTimeout() time.Duration { return c.requestTimeout }

func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	if c.logf != nil {
		clean := make(map[string]any, len(fields))
		for k, v := range fields {
			if s, ok := v.(string); ok {
				v = c.secrets.Scrub(s)
			}
			clean[k] = v
		}
		c.logf(ctx, c.secrets.Scrub(msg), clean)
	}
}

// APIError is a final (non-retried or retries exhausted) failure of one call.
// Its text names method, path, status or timeout and attempts, never tokens
// or bodies (request bodies carry connector secrets); every part that comes
// from the server or the transport is scrubbed of secrets when it is stored.
type APIError struct {
	Method     string
	Path       string
	StatusCode int // 0 for transport errors and timeouts
	Status     string
	Timeout    time.Duration // >0 when the last attempt hit the per-attempt deadline
	Attempts   int
	// Message is the API's own explanation of a client error, when it gave one.
	Message string
	// Location is scheme://host of a redirect the client refused to follow.
	Location string
	// TokenStep: getting the access token failed, the call itself was never sent.
	TokenStep bool
	// TokenStatus is the token endpoint's HTTP status (0: no answer).
	TokenStatus int
	// Unreachable: nothing answered at the address (connection refused, unknown host, no route).
	Unreachable bool
	Err         error
	// notSent: the request never left (token fetch failed), so even a
	// POST may simply be repeated.
	notSent bool
}

func (e *APIError) Error() string {
	var what string
	switch {
	case e.Timeout > 0:
		what = fmt.Sprintf("no answer within %s (request_timeout_seconds)", e.Timeout)
	case e.Location != "":
		what = fmt.Sprintf("HTTP %s, a redirect to %s; redirects are never followed (the credentials and the body would go there)", e.Status, e.Location)
	case e.StatusCode != 0:
		what = "HTTP " + e.Status
		if e.Message != "" {
			what += fmt.Sprintf(" (%q)", e.Message)
		}
	case e.Err != nil:
		what = e.Err.Error()
	default:
		what = "failed"
	}
	s := fmt.Sprintf("%s %s: %s", e.Method, e.Path, what)
	if e.Attempts > 1 {
		s += fmt.Sprintf(", %d attempts", e.Attempts)
	} else if e.Attempts == 1 {
		s += ", 1 attempt"
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is an API answer 404.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound
}

// response is one complete HTTP answer (body fully read within the attempt).
type response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// callOpts tunes one logical call.
type callOpts struct {
	// nonIdempotent: only a refused request (429, 503) is re-sent; any other
	// retryable failure is returned as *ambiguousError so the caller can
	// check whether the server stored it.
	nonIdempotent bool
	// attempts is shared across re-sends of the same logical POST so the
	// retry budget is not multiplied.
	attempts *int
	// secrets of this call (the connection's secrets_wo values), scrubbed
	// from its error like the client's own.
	secrets []string
}

// ambiguousError: the request may or may not have been processed.
type ambiguousError struct{ last *APIError }

func (e *ambiguousError) Error() string { return e.last.Error() }
func (e *ambiguousError) Unwrap() error { return e.last }

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Refused: the server says it did not process the request, for its rate or
// its load (429 Too Many Requests; 503 Service Unavailable, "currently
// unable to handle the request", RFC 9110 15.6.4, and NGINX limit_req's
// default status), so a POST may be re-sent without looking for it first.
// Should a 503 have stored it after all, the check after the create finds
// the twin and fails naming both (see Create).
func Refused(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

func isRedirect(code int) bool { return code >= 300 && code < 400 }

// clean scrubs what came from the server or the transport before the
// error leaves the client.
func (c *Client) clean(ae *APIError, secrets []string) *APIError {
	ae.Message = c.secrets.Scrub(ae.Message, secrets...)
	if ae.Err != nil {
		ae.Err = &scrubbedError{text: c.secrets.Scrub(ae.Err.Error(), secrets...), err: ae.Err}
	}
	return ae
}

// do performs method on path (relative to the base URL) with retries. It
// returns the answer for any non-retryable status (2xx, 4xx, 5xx); the
// caller decides what the status means. A 3xx is an error.
func (c *Client) do(ctx context.Context, method, path string, body []byte, opts callOpts) (*response, error) {
	res, err := c.doRaw(ctx, method, path, body, opts)
	var ae *APIError
	if errors.As(err, &ae) {
		c.clean(ae, opts.secrets)
	}
	return res, err
}

func (c *Client) doRaw(ctx context.Context, method, path string, body []byte, opts callOpts) (*response, error) {
	attempts := opts.attempts
	if attempts == nil {
		attempts = new(int)
	}
	renewed := false
	echoes := 0 // refusals the limiter did not count (its own learning), at most limiterEchoRetries
	for {
		*attempts++
		sent, err := c.limiter.wait(ctx)
		if err != nil {
			return nil, &APIError{Method: method, Path: path, Err: err, Attempts: *attempts, notSent: true}
		}
		tok, resp, apiErr := c.attempt(ctx, method, path, body)
		counted := c.limiter.observe(sent, resp)
		if apiErr == nil && isRedirect(resp.StatusCode) {
			return nil, &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, Status: statusText(resp.StatusCode),
				Location: c.locationHost(resp.Header.Get("Location")), Attempts: *attempts}
		}
		if apiErr == nil && resp.StatusCode == http.StatusUnauthorized && c.cc != nil && !renewed {
			// Token revoked or expired early: renew once and repeat the call
			// (not counted as a retry: the server refused it outright).
			renewed = true
			*attempts--
			c.dropToken(tok)
			c.debug(ctx, "401 from API, renewing token", map[string]any{"method": method, "path": path})
			continue
		}
		if apiErr == nil && !retryableStatus(resp.StatusCode) {
			return resp, nil
		}
		if apiErr == nil {
			apiErr = &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, Status: statusText(resp.StatusCode)}
		}
		apiErr.Attempts = *attempts
		if ctx.Err() != nil {
			return nil, apiErr
		}
		if apiErr.Err != nil && apiErr.StatusCode == 0 && apiErr.Timeout == 0 && !apiErr.retryableTransport() {
			return nil, apiErr
		}
		if apiErr.Unreachable && !c.answered.Load() {
			// Nothing has ever answered at this address in this process: a
			// wrong base_url or an emulator that is not running, not a blip.
			return nil, apiErr
		}
		if opts.nonIdempotent && !Refused(apiErr.StatusCode) && !apiErr.notSent && !apiErr.Unreachable {
			return nil, &ambiguousError{last: apiErr}
		}
		if !counted && c.maxRetries > 0 && echoes < limiterEchoRetries {
			// Refused at a rate the limiter has since given up: not this request's failure.
			echoes++
			*attempts--
		}
		if *attempts > c.maxRetries {
			return nil, apiErr
		}
		wait := c.backoff(*attempts)
		if Refused(apiErr.StatusCode) {
			wait = 0 // the limiter spaces the retry at the rate it learned from this refusal
		}
		if resp != nil {
			if ra, ok := c.retryAfter(resp.Header.Get("Retry-After")); ok {
				wait = ra
			}
		}
		c.debug(ctx, "retrying API call", map[string]any{"method": method, "path": path, "status": apiErr.StatusCode, "attempt": *attempts, "wait": wait.String()})
		if err := sleep(ctx, wait); err != nil {
			return nil, apiErr
		}
	}
}

// locationHost is scheme://host of a redirect target, resolved against the
// base URL: enough to say where it pointed, never its path or query.
func (c *Client) locationHost(loc string) string {
	base, _ := url.Parse(c.baseURL + "/")
	u, err := base.Parse(strings.TrimSpace(loc))
	if loc == "" || err != nil {
		return "(no Location)"
	}
	return u.Scheme + "://" + u.Host
}

// retryableTransport: transport failures are retried unless they come from
// our own setup (token endpoint refusing the credentials).
func (e *APIError) retryableTransport() bool {
	var nr *noRetryError
	return !errors.As(e.Err, &nr)
}

type noRetryError struct{ err error }

func (e *noRetryError) Error() string { return e.err.Error() }
func (e *noRetryError) Unwrap() error { return e.err }

// tokenStatusError: the token endpoint answered with this status.
type tokenStatusError struct {
	status int
	msg    string
}

func (e *tokenStatusError) Error() string { return e.msg }

// tokenFailure marks an error of the token step.
type tokenFailure struct{ err error }

func (e *tokenFailure) Error() string { return e.err.Error() }
func (e *tokenFailure) Unwrap() error { return e.err }

// unreachable: the transport found nothing listening (or no such host).
func unreachable(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}

// attempt is one HTTP exchange under its own deadline. It returns the token
// it used so a 401 only drops that token (not one a parallel call renewed).
func (c *Client) attempt(parent context.Context, method, path string, body []byte) (string, *response, *APIError) {
	ctx, cancel := context.WithTimeout(parent, c.requestTimeout)
	defer cancel()
	fail := func(err error) *APIError {
		ae := &APIError{Method: method, Path: path, Err: err, Unreachable: unreachable(err)}
		if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			ae.Timeout = c.requestTimeout
		}
		return ae
	}
	tok, err := c.currentToken(ctx)
	if err != nil {
		ae := fail(&tokenFailure{err})
		ae.notSent, ae.TokenStep = true, true
		var ts *tokenStatusError
		if errors.As(err, &ts) {
			ae.TokenStatus = ts.status
		}
		return "", nil, ae
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return tok, nil, &APIError{Method: method, Path: path, Err: &noRetryError{err}}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := c.httpClient.Do(req)
	if err != nil {
		return tok, nil, fail(unwrapURLError(err))
	}
	c.answered.Store(true)
	defer func() { _ = res.Body.Close() }()
	// Read the body inside the attempt: a server that sends headers and then
	// stalls must hit the same deadline. Past the cap nothing more is read.
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxBodyBytes+1))
	if err != nil {
		return tok, nil, fail(unwrapURLError(err))
	}
	if len(b) > MaxBodyBytes {
		return tok, nil, &APIError{Method: method, Path: path, Err: &noRetryError{fmt.Errorf(
			"the answer is larger than %d MiB, the provider's cap for one answer; a page of 100 connections should be far smaller", MaxBodyBytes>>20)}}
	}
	return tok, &response{StatusCode: res.StatusCode, Header: res.Header, Body: b}, nil
}

// unwrapURLError drops *url.Error's "Get \"https://...\":" prefix; the
// APIError already names method and path.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}

// backoff: exponential from BaseBackoff with +-50% jitter so parallel
// resources do not retry in lockstep.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.BaseBackoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	if d > maxBackoff {
		d = maxBackoff
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d)
}

// retryAfter parses delta-seconds or an HTTP date, capped at MaxRetryAfter.
func (c *Client) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Clamp before multiplying so a huge value cannot overflow.
		d = time.Duration(min(secs, int64(c.MaxRetryAfter/time.Second)+1)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(c.Now())
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if d > c.MaxRetryAfter {
		d = c.MaxRetryAfter
	}
	return d, true
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// currentToken returns the bearer token, fetching or renewing the OAuth2
// token when missing or close to expiry. One token is shared by all calls of
// this client (one per provider process).
func (c *Client) currentToken(ctx context.Context) (string, error) {
	if c.cc == nil {
		return c.bearer, nil
	}
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	if c.token != nil && c.token.AccessToken != "" &&
		(c.token.Expiry.IsZero() || c.Now().Add(tokenExpiryDelta).Before(c.token.Expiry)) {
		return c.token.AccessToken, nil
	}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, c.httpClient)
	tok, err := c.cc.Token(tctx)
	if err != nil {
		return "", c.tokenError(err)
	}
	// x/oauth2 stamps Expiry with the real clock; re-stamp with ours so
	// expiry (and tests with a fake clock) follow one time source.
	if ei, ok := tok.Extra("expires_in").(float64); ok && ei > 0 {
		tok.Expiry = c.Now().Add(time.Duration(ei) * time.Second)
	}
	c.token = tok
	c.secrets.Add(tok.AccessToken)
	c.answered.Store(true)
	c.debug(ctx, "obtained OAuth2 token", map[string]any{"token_url": c.tokenURL, "expiry": tok.Expiry.String()})
	return tok.AccessToken, nil
}

// tokenError describes a token failure without the response body (it may
// echo credentials): the status, the OAuth2 error code, where a redirect
// pointed. 429/5xx and transport errors stay retryable.
func (c *Client) tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		c.answered.Store(true)
		code := 0
		if re.Response != nil {
			code = re.Response.StatusCode
		}
		msg := fmt.Sprintf("OAuth2 token request to %s failed: HTTP %s", c.tokenURL, statusText(code))
		if isRedirect(code) {
			msg += fmt.Sprintf(", a redirect to %s; redirects are never followed (the client secret would go there)", c.locationHost(re.Response.Header.Get("Location")))
		} else if re.ErrorCode != "" {
			msg += " (" + printable(re.ErrorCode, 64) + ")"
		}
		if retryableStatus(code) {
			return &tokenStatusError{status: code, msg: msg}
		}
		return &noRetryError{&tokenStatusError{status: code, msg: msg}}
	}
	return fmt.Errorf("OAuth2 token request to %s failed: %w", c.tokenURL, unwrapURLError(err))
}

// printable bounds a server-provided text and blanks what is not printable.
func printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// dropToken forgets tok if it is still the current token.
func (c *Client) dropToken(tok string) {
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	if c.token != nil && c.token.AccessToken == tok {
		c.token = nil
	}
}
