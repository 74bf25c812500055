package protocol

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"
)

// Size limits of a frame's body. Chrome refuses to deliver a message over
// 1 MiB from a host (and closes the port); it may send up to 64 MiB to one.
const (
	MaxIncoming = 64 << 20 // bytes, extension → host
	MaxOutgoing = 1 << 20  // bytes, host → extension
)

// headerLen is the size of a frame's length prefix.
const headerLen = 4

// ReadFrame reads one frame: a 4-byte native-endian length, then that many
// bytes of UTF-8 JSON. It returns io.EOF only at a frame boundary and
// io.ErrUnexpectedEOF when the stream ends inside a frame.
//
// A length over MaxIncoming is refused before anything is allocated, with an
// *Error of code frame_too_large: the stream cannot be resynchronised after
// it. A body that is not valid UTF-8 JSON gives an *Error of code
// bad_request; the stream stays in sync, so a caller may read on.
func ReadFrame(r io.Reader) ([]byte, error) {
	var hdr [headerLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		// ReadFull says io.EOF only when no byte was read: a clean boundary.
		return nil, err
	}
	n := binary.NativeEndian.Uint32(hdr[:])
	if n > MaxIncoming {
		return nil, Errorf(CodeFrameTooLarge, "incoming frame of %d bytes is over the %d-byte limit", n, MaxIncoming)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %d-byte frame body: %w", n, err)
	}
	if !utf8.Valid(body) {
		return nil, Errorf(CodeBadRequest, "frame is not valid UTF-8")
	}
	if !json.Valid(body) {
		return nil, Errorf(CodeBadRequest, "frame is not valid JSON")
	}
	return body, nil
}

// IsFatal tells whether an error from ReadFrame leaves the stream unusable
// (end of input, truncation, an oversized frame) rather than one bad message.
func IsFatal(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code != CodeBadRequest
	}
	return true
}

// EncodeFrame marshals v and returns the whole frame, header and body. A body
// over MaxOutgoing is refused with an *Error of code frame_too_large.
func EncodeFrame(v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode frame: %w", err)
	}
	if len(body) > MaxOutgoing {
		return nil, Errorf(CodeFrameTooLarge, "outgoing frame of %d bytes is over the %d-byte limit", len(body), MaxOutgoing)
	}
	frame := make([]byte, headerLen+len(body))
	binary.NativeEndian.PutUint32(frame, uint32(len(body)))
	copy(frame[headerLen:], body)
	return frame, nil
}

// WriteFrame marshals v and writes it as one frame with a single Write, so
// that a reader never sees a header without its body. Nothing is written
// when the body would exceed MaxOutgoing.
func WriteFrame(w io.Writer, v any) error {
	frame, err := EncodeFrame(v)
	if err != nil {
		return err
	}
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// Writer serialises frames from many goroutines onto one stream. After a
// failed write every later write fails with the same error: the peer is gone
// and a half-written frame cannot be taken back.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteFrame writes v as one frame. An oversized v is refused without
// writing and without breaking the stream.
func (w *Writer) WriteFrame(v any) error {
	// Marshal outside the lock: a big reply must not hold up small events.
	frame, err := EncodeFrame(v)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.Write(frame); err != nil {
		w.err = fmt.Errorf("write frame: %w", err)
		return w.err
	}
	return nil
}

// Err returns the error that broke the stream, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
