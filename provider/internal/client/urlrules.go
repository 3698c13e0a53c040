package client

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ParseURL parses an absolute http(s) URL (base_url, token_url), or says it is not one. A host written as a
// number (http://2130706433, http://0x7f.1) is rewritten to its dotted IPv4 form, as the WHATWG URL parser
// of the TypeScript layer does, so the rule decides on and the client dials the same address.
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", redactUserinfo(s))
	}
	if ip, ok := parseIPv4Number(u.Hostname()); ok {
		port := u.Port()
		u.Host = ip.String()
		if port != "" {
			u.Host += ":" + port
		}
	}
	return u, nil
}

// CheckAPIURL applies the rules of an API address (base_url, token_url): https, or http on a loopback host
// (a local emulator); no user:password@; no ?query or #fragment, since paths are appended to it. The same
// cases run through the TypeScript rule (testdata/url-rules.json), so both layers decide alike.
func CheckAPIURL(s string) (*url.URL, error) {
	u, err := ParseURL(s)
	if err != nil {
		return nil, err
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("%q holds user:password@; the credentials would be printed in plans and errors. Remove them and set client_id/client_secret or bearer_token", redactUserinfo(s))
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "?"):
		return nil, fmt.Errorf("%q has a ?query; paths are appended to this URL. Remove everything from ? on", s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, fmt.Errorf("%q has a #fragment; paths are appended to this URL. Remove everything from # on", s)
	case u.Scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return nil, fmt.Errorf("%q uses http to a host other than this machine; credentials and secrets would cross the network in clear. Use https (http is allowed only for localhost, 127.0.0.0/8 and [::1])", s)
	}
	return u, nil
}

// IsLoopbackHost reports whether host names this machine only: localhost, 127.0.0.0/8 in any IPv4 notation
// the URL parser accepts, ::1, and ::ffff:127.x.y.z. Brackets are optional. src/loopback.ts is its twin.
func IsLoopbackHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if h == "localhost" {
		return true
	}
	if ip, ok := parseIPv4Number(h); ok {
		return ip.IsLoopback()
	}
	if ip, err := netip.ParseAddr(h); err == nil && ip.Zone() == "" {
		return ip.Unmap().IsLoopback()
	}
	return false
}

// parseIPv4Number is the WHATWG URL IPv4 parser: one to four dot-separated numbers, each decimal, 0x-hex or
// 0-prefixed octal, the last filling the remaining bytes (127.1 = 127.0.0.1, 2130706433 = 127.0.0.1).
func parseIPv4Number(host string) (netip.Addr, bool) {
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 || host == "" {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		base, digits := 10, p
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if p == "" {
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(digits, base, 64)
		if err != nil {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v |= n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// redactUserinfo hides the password of a URL that carries one, for messages.
func redactUserinfo(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
