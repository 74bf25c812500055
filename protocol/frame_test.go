package protocol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

func frame(body string) []byte {
	b := make([]byte, 4+len(body))
	binary.NativeEndian.PutUint32(b, uint32(len(body)))
	copy(b[4:], body)
	return b
}

func header(n uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, n)
	return b
}

func TestReadFrameOneByteReader(t *testing.T) {
	in := frame(`{"id":1,"type":"ping"}`)
	got, err := ReadFrame(iotest.OneByteReader(bytes.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"id":1,"type":"ping"}` {
		t.Fatalf("got %q", got)
	}
}

func TestReadFrameBackToBackThenEOF(t *testing.T) {
	var in bytes.Buffer
	in.Write(frame(`{"a":1}`))
	in.Write(frame(`["b"]`))
	r := iotest.HalfReader(&in)
	for _, want := range []string{`{"a":1}`, `["b"]`} {
		got, err := ReadFrame(r)
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if _, err := ReadFrame(r); err != io.EOF {
		t.Fatalf("at the boundary: got %v, want io.EOF", err)
	}
}

func TestReadFrameTruncated(t *testing.T) {
	full := frame(`{"id":1,"type":"ping"}`)
	for _, n := range []int{1, 3, 4, 10, len(full) - 1} {
		_, err := ReadFrame(bytes.NewReader(full[:n]))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d: got %v, want io.ErrUnexpectedEOF", n, err)
		}
		if !IsFatal(err) {
			t.Errorf("cut at %d: truncation must be fatal", n)
		}
	}
}

func TestReadFrameBadContent(t *testing.T) {
	for name, body := range map[string]string{
		"empty":     "",
		"not json":  "hello",
		"non-utf8":  "\"\xff\xfe\"",
		"half json": `{"id":`,
	} {
		_, err := ReadFrame(bytes.NewReader(frame(body)))
		if CodeOf(err) != CodeBadRequest {
			t.Errorf("%s: got %v, want bad_request", name, err)
		}
		if IsFatal(err) {
			t.Errorf("%s: a bad body must not be fatal: the stream is in sync", name)
		}
	}
	got, err := ReadFrame(bytes.NewReader(frame(`{}`)))
	if err != nil || string(got) != `{}` {
		t.Fatalf("{}: got %q, %v", got, err)
	}
}

// failReader hands out a header and fails the test if anything more is read.
type failReader struct {
	t   *testing.T
	hdr []byte
}

func (r *failReader) Read(p []byte) (int, error) {
	if len(r.hdr) == 0 {
		r.t.Fatal("ReadFrame read past the header of an oversized frame")
	}
	n := copy(p, r.hdr)
	r.hdr = r.hdr[n:]
	return n, nil
}

func TestReadFrameTooLargeNoAlloc(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadFrame(&failReader{t: t, hdr: header(MaxIncoming + 1)})
	runtime.ReadMemStats(&after)
	if CodeOf(err) != CodeFrameTooLarge || !IsFatal(err) {
		t.Fatalf("got %v, want a fatal frame_too_large", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<10 {
		t.Fatalf("allocated %d bytes refusing an oversized frame", grown)
	}
	allocs := testing.AllocsPerRun(10, func() {
		_, _ = ReadFrame(bytes.NewReader(header(^uint32(0))))
	})
	if allocs > 10 {
		t.Fatalf("%v allocations per refused frame", allocs)
	}
}

func TestReadFrameExactlyMaxIncomingHeaderAccepted(t *testing.T) {
	// The limit itself is allowed: a body that ends early is a truncation, not a refusal.
	_, err := ReadFrame(bytes.NewReader(header(MaxIncoming)))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
}

// stringOfLen returns a JSON string value whose encoding is exactly n bytes.
func stringOfLen(n int) string { return strings.Repeat("a", n-2) }

func TestWriteFrameLimit(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, stringOfLen(MaxOutgoing)); err != nil {
		t.Fatalf("exactly 1 MiB: %v", err)
	}
	if buf.Len() != 4+MaxOutgoing || binary.NativeEndian.Uint32(buf.Bytes()) != MaxOutgoing {
		t.Fatalf("wrote %d bytes", buf.Len())
	}
	buf.Reset()
	err := WriteFrame(&buf, stringOfLen(MaxOutgoing+1))
	if CodeOf(err) != CodeFrameTooLarge {
		t.Fatalf("1 MiB + 1: got %v, want frame_too_large", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("an oversized frame wrote %d bytes", buf.Len())
	}
}

// countingWriter counts Write calls.
type countingWriter struct {
	bytes.Buffer
	calls int
}

func (w *countingWriter) Write(p []byte) (int, error) { w.calls++; return w.Buffer.Write(p) }

func TestWriteFrameOneWrite(t *testing.T) {
	var w countingWriter
	if err := WriteFrame(&w, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if w.calls != 1 {
		t.Fatalf("%d writes, want 1", w.calls)
	}
	got, err := ReadFrame(&w)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("round trip: %q, %v", got, err)
	}
}

func TestWriterConcurrent(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				if err := w.WriteFrame(map[string]int{"g": g, "i": i}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	for {
		_, err := ReadFrame(&buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("frame %d: %v", n, err)
		}
		n++
	}
	if n != 400 {
		t.Fatalf("read %d frames, want 400", n)
	}
}

type brokenWriter struct{ calls int }

func (w *brokenWriter) Write([]byte) (int, error) { w.calls++; return 0, io.ErrClosedPipe }

func TestWriterStickyError(t *testing.T) {
	bw := &brokenWriter{}
	w := NewWriter(bw)
	if err := w.WriteFrame(1); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("got %v", err)
	}
	if err := w.WriteFrame(2); !errors.Is(err, io.ErrClosedPipe) || bw.calls != 1 {
		t.Fatalf("second write: %v after %d calls", err, bw.calls)
	}
	if w.Err() == nil {
		t.Fatal("Err() is nil after a failed write")
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add(frame(`{"id":1,"type":"ping"}`))
	f.Add(frame(`{}`))
	f.Add(frame(""))
	f.Add(header(MaxIncoming + 1))
	f.Add([]byte{1, 2})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		for {
			body, err := ReadFrame(r)
			if err != nil {
				if IsFatal(err) {
					return
				}
				continue
			}
			var buf bytes.Buffer
			if len(body) > MaxOutgoing {
				return
			}
			// A frame read must be writable back byte for byte.
			buf.Write(header(uint32(len(body))))
			buf.Write(body)
			again, err := ReadFrame(&buf)
			if err != nil || !bytes.Equal(again, body) {
				t.Fatalf("re-read %q: %q, %v", body, again, err)
			}
		}
	})
}
