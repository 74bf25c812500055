package fakex

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"sync"
	"time"
)

// bucket is a token bucket in bytes. Callers take what they need at once
// and sleep off any debt, so concurrent writers share the rate roughly in
// arrival order, as flows share a real downlink.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // bytes per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate int64) *bucket {
	// A 50 ms burst keeps the rate honest over short windows without
	// making every write wait.
	burst := max(float64(rate)/20, 1024)
	return &bucket{rate: float64(rate), burst: burst, tokens: burst, last: time.Now()}
}

// take reserves n bytes and waits until the bucket can afford them.
func (b *bucket) take(ctx context.Context, n int) error {
	b.mu.Lock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens -= float64(n)
	debt := -b.tokens
	b.mu.Unlock()
	if debt <= 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(debt / b.rate * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type connBucketKey struct{}

// writeShaped writes data to w paced by the connection's bucket (if any)
// and the shared downlink (if any), flushing each piece so that the bytes
// leave when they are paid for rather than when a buffer fills.
func (s *Server) writeShaped(ctx context.Context, w http.ResponseWriter, data []byte) error {
	conn, _ := ctx.Value(connBucketKey{}).(*bucket)
	if conn == nil && s.downlink == nil {
		_, err := w.Write(data)
		return err
	}
	rate := int64(1 << 62)
	if conn != nil {
		rate = min(rate, int64(conn.rate))
	}
	if s.downlink != nil {
		rate = min(rate, int64(s.downlink.rate))
	}
	// Pieces of ~20 ms of the slowest rate, between 512 B and 16 KiB.
	piece := int(min(max(rate/50, 512), 16<<10))
	rc := http.NewResponseController(w)
	for len(data) > 0 {
		n := min(piece, len(data))
		if conn != nil {
			if err := conn.take(ctx, n); err != nil {
				return err
			}
		}
		if s.downlink != nil {
			if err := s.downlink.take(ctx, n); err != nil {
				return err
			}
		}
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		if err := rc.Flush(); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// selfSigned makes an in-memory ECDSA certificate for the names a browser
// test maps to the fake, and returns a server config and the PEM.
func selfSigned() (*tls.Config, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "x.com", Organization: []string{"spacekeep fakex"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		// A CA certificate, so that it can be trusted as a root through
		// SSL_CERT_FILE or a browser's policy, and also serve as the leaf.
		IsCA:        true,
		DNSNames:    []string{"x.com", "*.x.com", "twitter.com", "*.twitter.com", "localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("load the generated key pair: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, certPEM, nil
}

func randomHex(nbytes int) string {
	b := make([]byte, nbytes/2)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
