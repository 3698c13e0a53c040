package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/thingpark-qubitro/terraform-provider-iotflow/internal/client"
)

// failure is a failing step as the user sees it: the diagnostic's heading and the fix. Each one is a row
// of the "When things go wrong" table in the repository's README.md (TestFailuresMatchTheReadme keeps
// them in step).
type failure struct {
	Summary, Fix string
}

var (
	failAuth = failure{"Cannot get an access token",
		"check client_id and the client secret; in stacks made by the constructs the secret is TF_VAR_thingpark_client_secret"}
	failTokenUnreachable = failure{"Cannot get an access token",
		"check base_url (or token_url): is the emulator running?"}
	failTokenServer = failure{"Cannot get an access token",
		"check token_url; if it is right, the token endpoint is failing: try again later"}
	failUnreachable = failure{"Cannot reach the IoT Flow API",
		"check base_url: is the emulator running?"}
	failRateLimited = failure{"Rate limit: the IoT Flow API kept refusing",
		"raise max_retries (maxRetries in the constructs) or lower -parallelism"}
	failTimeout = failure{"The IoT Flow API did not answer in time",
		"raise request_timeout_seconds (timeoutSeconds in the constructs), or check the API"}
	failRedirect = failure{"The IoT Flow API answered with a redirect",
		"set base_url (or token_url) to the address that answers without redirecting"}
	failIdentity = failure{"The IoT Flow API answered about another connection",
		"check what sits in front of the API (proxy, cache, load balancer); the state was not changed"}
	failRace = failure{"Another connection with the same name appeared",
		"keep one: give this connection another name, or delete one of the two and run the apply again"}
	failLostPost = failure{"The outcome of a create is unknown",
		"run the apply again: the plan names the connection if the server stored it late (adopt it with adoptExisting: true)"}
)

// failures lists every failure with its own heading, for the README check.
var failures = []failure{failAuth, failTokenUnreachable, failTokenServer, failUnreachable, failRateLimited, failTimeout, failRedirect, failIdentity, failRace, failLostPost}

// classify picks the failing step of err; ok is false for errors that are about the call itself (a 4xx
// refusal, a decode error), whose heading stays "Cannot <action>".
func classify(err error) (failure, bool) {
	var race *client.RaceError
	var id *client.IdentityError
	var ae *client.APIError
	switch {
	case errors.As(err, &race):
		return failRace, true
	case errors.As(err, &id):
		return failIdentity, true
	case !errors.As(err, &ae):
		return failure{}, false
	case ae.Location != "":
		return failRedirect, true
	case ae.TokenStep:
		return tokenFailure(ae), true
	case ae.Unreachable:
		return failUnreachable, true
	case ae.Timeout > 0 && ae.Method != http.MethodPost:
		return failTimeout, true
	case ae.Timeout > 0 || ae.StatusCode >= 500 && ae.Method == http.MethodPost && ae.StatusCode != http.StatusServiceUnavailable:
		return failLostPost, true
	case client.Refused(ae.StatusCode):
		return failRateLimited, true
	}
	return failure{}, false
}

// tokenFailure picks the failure of the token step from what the token endpoint did.
func tokenFailure(ae *client.APIError) failure {
	switch code := ae.TokenStatus; {
	case ae.Unreachable:
		return failTokenUnreachable
	case ae.Timeout > 0:
		return failTimeout
	case code >= 300 && code < 400:
		return failRedirect
	case client.Refused(code):
		return failRateLimited
	case code >= 400 && code < 500:
		return failAuth
	}
	return failTokenServer
}

// addAPIError reports err from the step that failed: the heading names the step (getting a token,
// reaching the API, the rate limit), the detail says what was being done, what happened, and the fix.
// Every text is scrubbed of the client's secrets and the call's.
func addAPIError(diags *diag.Diagnostics, c *client.Client, action string, err error, secrets ...string) {
	f, ok := classify(err)
	if !ok {
		diags.AddError("Cannot "+action, c.Scrub(err.Error(), secrets...))
		return
	}
	detail := err.Error()
	var ae *client.APIError
	if errors.As(err, &ae) && ae.TokenStep && ae.Err != nil {
		// The call never left: the token step's own text is the story.
		detail = ae.Err.Error()
		if f == failAuth {
			detail = fmt.Sprintf("The token endpoint %s refused client id %q: %s", c.TokenURL(), c.ClientID(), detail)
		}
	}
	if f == failUnreachable {
		detail = fmt.Sprintf("Nothing answers at %s: %s", c.BaseURL(), detail)
	}
	diags.AddError(f.Summary, c.Scrub(fmt.Sprintf("While %s: %s\n\nFix: %s", gerund(action), detail, sentence(f.Fix)), secrets...))
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// gerund turns "create connection \"x\"" into "creating connection \"x\"".
func gerund(action string) string {
	for verb, ing := range map[string]string{"create ": "creating ", "read ": "reading ", "update ": "updating ", "delete ": "deleting ", "list ": "listing ", "check ": "checking "} {
		if len(action) > len(verb) && action[:len(verb)] == verb {
			return ing + action[len(verb):]
		}
	}
	return action
}
