package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// DefaultTolerance is how far a request's timestamp may be from the
// receiver's clock before Verify calls it a replay.
const DefaultTolerance = 5 * time.Minute

// Sign returns the X-Rootwatch-Signature value for body sent at timestamp
// (unix seconds, as in X-Rootwatch-Timestamp).
func Sign(key secret.Secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key.Reveal()))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify is what a receiver runs: the signature must match the timestamp
// and body, and the timestamp must be within tolerance of now.
func Verify(key secret.Secret, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	if signature == "" || timestamp == "" {
		return errors.New("missing signature or timestamp header")
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q is not unix seconds", timestamp)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("timestamp is %s from now, more than %s: possible replay", d.Round(time.Second), tolerance)
	}
	if !strings.HasPrefix(signature, "sha256=") {
		return errors.New(`signature does not start with "sha256="`)
	}
	if !hmac.Equal([]byte(signature), []byte(Sign(key, timestamp, body))) {
		return errors.New("signature does not match")
	}
	return nil
}
