package provider

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Write-only secrets never diff, so a rotation would plan nothing. The state
// keeps a salted HMAC of them instead: a changed secret changes the MAC and
// plans an update of exactly that connection, while the value stays out of
// state. The salt is random per resource so equal secrets on two
// connections do not produce equal fingerprints.

const fingerprintScheme = "hmac-sha256"

// NewSalt returns 8 random bytes as 16 hex characters.
func NewSalt() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// canonicalSecrets encodes the map with paths sorted: [[path,value],...].
func canonicalSecrets(secrets map[string]string) []byte {
	paths := SecretPaths(secrets)
	pairs := make([][2]string, len(paths))
	for i, p := range paths {
		pairs[i] = [2]string{p, secrets[p]}
	}
	b, _ := json.Marshal(pairs)
	return b
}

// Fingerprint returns "hmac-sha256:<salt>:<hex mac>".
func Fingerprint(salt string, secrets map[string]string) string {
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write(canonicalSecrets(secrets))
	return fingerprintScheme + ":" + salt + ":" + hex.EncodeToString(mac.Sum(nil))
}

// FingerprintSalt extracts the salt of a fingerprint produced by Fingerprint.
func FingerprintSalt(fp string) (string, error) {
	parts := strings.Split(fp, ":")
	if len(parts) != 3 || parts[0] != fingerprintScheme || len(parts[1]) != 16 {
		return "", fmt.Errorf("not a %s fingerprint", fingerprintScheme)
	}
	if _, err := hex.DecodeString(parts[1]); err != nil {
		return "", fmt.Errorf("fingerprint salt is not hex")
	}
	return parts[1], nil
}

// SecretPaths returns the sorted paths of a secrets map.
func SecretPaths(secrets map[string]string) []string {
	paths := make([]string, 0, len(secrets))
	for p := range secrets {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}
