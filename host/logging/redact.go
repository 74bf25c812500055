package logging

import (
	"bytes"
	"io"
	"sort"
	"sync"

	"github.com/rs/zerolog"
)

// Redacted replaces every secret in what is logged.
const Redacted = "[REDACTED]"

// minSecretLen: shorter strings would redact ordinary words and numbers,
// and no real cookie is that short.
const minSecretLen = 6

// Redactor holds the secrets to keep out of the logs. One Redactor is
// shared by every sink; secrets added at any time apply to all of them.
type Redactor struct {
	mu      sync.RWMutex
	secrets [][]byte // longest first, so a secret holding another goes whole
}

// NewRedactor returns a Redactor without secrets.
func NewRedactor() *Redactor { return &Redactor{} }

// AddSecret registers s; strings shorter than 6 bytes are ignored.
func (r *Redactor) AddSecret(s string) {
	if len(s) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, old := range r.secrets {
		if string(old) == s {
			return
		}
	}
	r.secrets = append(r.secrets, []byte(s))
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Redact returns p with every secret replaced; p itself if it holds none.
func (r *Redactor) Redact(p []byte) []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.secrets {
		if bytes.Contains(p, s) {
			p = bytes.ReplaceAll(p, s, []byte(Redacted))
		}
	}
	return p
}

// Wrap returns a writer that redacts each write before passing it to w.
// zerolog writes one whole event per Write, so a secret is never split.
func (r *Redactor) Wrap(w io.Writer) io.Writer { return &redactWriter{r: r, w: w} }

type redactWriter struct {
	r *Redactor
	w io.Writer
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := rw.w.Write(rw.r.Redact(p)); err != nil {
		return 0, err
	}
	return len(p), nil // what the caller gave, whatever we wrote instead
}

// WriteLevel keeps the level for sinks that filter on it (the console).
func (rw *redactWriter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	lw, ok := rw.w.(zerolog.LevelWriter)
	if !ok {
		return rw.Write(p)
	}
	if _, err := lw.WriteLevel(l, rw.r.Redact(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
