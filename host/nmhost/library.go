package nmhost

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/libserve"
	"github.com/spacekeep/spacekeep/protocol"
)

// The library.* requests read the library of kept Spaces for the
// extension's Library page: paged lists and searches, one Space's
// detail, statistics, and removal.

// LibraryOpener opens the library; the session opens it on the first
// library request and keeps it (see Options.Library).
type LibraryOpener func(ctx context.Context) (*library.Library, error)

// maxCaptionsPage bounds the captions of one library.show reply, so that a
// long Space's transcript never makes a frame over protocol.MaxOutgoing.
const maxCaptionsPage = 500

// libraryState is the session's open library.
type libraryState struct {
	once sync.Once
	lib  *library.Library
	err  error

	serverOnce sync.Once
	server     *libserve.OnDemand // this session's, when Options.LibraryServer is nil
}

func (s *session) libraryHandlers() map[string]func(context.Context, json.RawMessage) (any, error) {
	if s.opts.Library == nil {
		return nil
	}
	return map[string]func(context.Context, json.RawMessage) (any, error){
		protocol.TypeLibraryList:   s.libraryList,
		protocol.TypeLibrarySearch: s.librarySearch,
		protocol.TypeLibraryShow:   s.libraryShow,
		protocol.TypeLibraryStats:  s.libraryStats,
		protocol.TypeLibraryRemove: s.libraryRemove,
		protocol.TypeLibraryServe:  s.libraryServe,
	}
}

// library opens the library once per session.
func (s *session) library(ctx context.Context) (*library.Library, error) {
	s.lib.once.Do(func() {
		s.lib.lib, s.lib.err = s.opts.Library(ctx)
		if s.lib.err != nil {
			s.log.Warn().Err(s.lib.err).Msg("cannot open the library")
		}
	})
	if s.lib.err != nil {
		return nil, protocol.Errorf(protocol.CodeDisk, "could not open the library: %w", s.lib.err)
	}
	return s.lib.lib, nil
}

// closeLibrary closes the library at the end of the session, and the
// session's own HTTP server of it, if library.serve started one.
func (s *session) closeLibrary() {
	if s.lib.lib != nil {
		s.lib.lib.Close()
	}
	if s.lib.server != nil {
		s.lib.server.Close()
	}
}

// LibraryServer is the library's HTTP server (package libserve), started
// on demand: library.serve asks it for its root URL.
type LibraryServer interface {
	BaseURL(ctx context.Context) (string, error)
}

// libraryServe answers library.serve: the root URL of the library's HTTP
// server on loopback, started at the first request. The service shares
// one server among its sessions (Options.LibraryServer); a browser's host
// starts its own, which ends with the session.
func (s *session) libraryServe(ctx context.Context, _ json.RawMessage) (any, error) {
	srv := s.opts.LibraryServer
	if srv == nil {
		s.lib.serverOnce.Do(func() {
			s.lib.server = &libserve.OnDemand{Open: s.opts.Library, Log: s.log}
		})
		srv = s.lib.server
	}
	base, err := srv.BaseURL(ctx)
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeDisk, "could not serve the library: %w", err)
	}
	return protocol.LibraryServe{BaseURL: base}, nil
}

func libraryFilter(q protocol.LibraryQuery) library.Filter {
	f := library.Filter{Host: q.Host, Offset: q.Offset, Limit: q.Limit}
	if q.Since > 0 {
		f.Since = time.UnixMilli(q.Since)
	}
	return f
}

func decodeQuery(payload json.RawMessage) (protocol.LibraryQuery, error) {
	var q protocol.LibraryQuery
	if len(payload) == 0 {
		return q, nil
	}
	err := decode(payload, &q)
	if err == nil && (q.Offset < 0 || q.Limit < 0) {
		err = protocol.Errorf(protocol.CodeBadRequest, "offset and limit must not be negative")
	}
	return q, err
}

// libraryError words a library failure for the extension: an unknown
// Space is bad_request, the rest is the disk's.
func libraryError(err error) error {
	if errors.Is(err, library.ErrNotFound) {
		return protocol.Errorf(protocol.CodeBadRequest, "%w", err)
	}
	return protocol.Errorf(protocol.CodeDisk, "the library: %w", err)
}

// libraryQuery answers the paged and filtered requests (list, search,
// stats): decode the query, open the library, ask it.
func (s *session) libraryQuery(ctx context.Context, payload json.RawMessage, ask func(*library.Library, protocol.LibraryQuery) (any, error)) (any, error) {
	q, err := decodeQuery(payload)
	if err != nil {
		return nil, err
	}
	l, err := s.library(ctx)
	if err != nil {
		return nil, err
	}
	res, err := ask(l, q)
	if err != nil {
		return nil, libraryError(err)
	}
	return res, nil
}

func (s *session) libraryList(ctx context.Context, payload json.RawMessage) (any, error) {
	return s.libraryQuery(ctx, payload, func(l *library.Library, q protocol.LibraryQuery) (any, error) {
		return l.List(ctx, libraryFilter(q))
	})
}

func (s *session) librarySearch(ctx context.Context, payload json.RawMessage) (any, error) {
	return s.libraryQuery(ctx, payload, func(l *library.Library, q protocol.LibraryQuery) (any, error) {
		return l.Search(ctx, q.Query, libraryFilter(q))
	})
}

func (s *session) libraryStats(ctx context.Context, payload json.RawMessage) (any, error) {
	return s.libraryQuery(ctx, payload, func(l *library.Library, q protocol.LibraryQuery) (any, error) {
		return l.Stats(ctx, libraryFilter(q))
	})
}

func (s *session) libraryRef(payload json.RawMessage) (protocol.LibraryRef, error) {
	var ref protocol.LibraryRef
	if err := decode(payload, &ref); err != nil {
		return ref, err
	}
	if ref.ID == "" {
		return ref, protocol.Errorf(protocol.CodeBadRequest, "a Space id is needed")
	}
	if ref.CaptionsOffset < 0 || ref.CaptionsLimit < 0 {
		return ref, protocol.Errorf(protocol.CodeBadRequest, "captions_offset and captions_limit must not be negative")
	}
	return ref, nil
}

func (s *session) libraryShow(ctx context.Context, payload json.RawMessage) (any, error) {
	ref, err := s.libraryRef(payload)
	if err != nil {
		return nil, err
	}
	l, err := s.library(ctx)
	if err != nil {
		return nil, err
	}
	limit := ref.CaptionsLimit
	if limit == 0 || limit > maxCaptionsPage {
		limit = maxCaptionsPage
	}
	d, err := l.Show(ctx, ref.ID, ref.CaptionsOffset, limit)
	if err != nil {
		return nil, libraryError(err)
	}
	return d.LibraryDetail, nil
}

func (s *session) libraryRemove(ctx context.Context, payload json.RawMessage) (any, error) {
	ref, err := s.libraryRef(payload)
	if err != nil {
		return nil, err
	}
	l, err := s.library(ctx)
	if err != nil {
		return nil, err
	}
	removed, err := l.Remove(ctx, ref.ID, ref.DeleteFiles)
	if err != nil {
		return nil, libraryError(err)
	}
	if removed == nil {
		removed = []string{}
	}
	s.log.Info().Str("space", ref.ID).Int("files", len(removed)).Msg("removed from the library")
	return protocol.LibraryRemoved{Removed: removed}, nil
}

// withLibraryFiles adds the files the library lists to those known
// (Options.KnownFile): the Library page may open and reveal them.
func (s *session) withLibraryFiles(known func(string) bool) func(string) bool {
	if s.opts.Library == nil {
		return known
	}
	return func(path string) bool {
		if known != nil && known(path) {
			return true
		}
		l, err := s.library(s.ctx)
		return err == nil && l.HasFile(s.ctx, path)
	}
}
