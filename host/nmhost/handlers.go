package nmhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"

	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/protocol"
)

// dispatch answers one request frame. Requests that may take a while run
// in their own goroutine; the rest are answered in order of arrival, so
// that settings.set followed by settings.get sees the change.
func (s *session) dispatch(body []byte) {
	var req protocol.Request
	if err := json.Unmarshal(body, &req); err != nil {
		// Salvage the id if the envelope is at least an object with one.
		var probe struct {
			ID json.RawMessage `json:"id"`
		}
		_ = json.Unmarshal(body, &probe)
		s.reply(safeID(probe.ID), nil, protocol.Errorf(protocol.CodeBadRequest, "malformed request: %w", err))
		return
	}
	id := safeID(req.ID)
	log := s.log.Debug().Str("type", req.Type)
	if id != nil {
		log = log.RawJSON("id", id)
	}
	log.Msg("request") // never the payload: it may hold cookies

	slow := map[string]func(context.Context, json.RawMessage) (any, error){
		protocol.TypeSpaceInfo:  s.spaceInfo,
		protocol.TypeDoctor:     s.doctor,
		protocol.TypeFileReveal: s.fileReveal,
		protocol.TypeFileOpen:   s.fileOpen,
	}
	maps.Copy(slow, s.libraryHandlers())
	maps.Copy(slow, s.watchHandlers())
	maps.Copy(slow, s.searchHandlers())
	if h, ok := slow[req.Type]; ok {
		s.handlers.Add(1)
		go func() {
			defer s.handlers.Done()
			defer s.recoverTo(id, req.Type)
			res, err := h(s.ctx, req.Payload)
			s.reply(id, res, err)
		}()
		return
	}

	defer s.recoverTo(id, req.Type)
	var (
		res any
		err error
	)
	switch req.Type {
	case protocol.TypePing:
		res = protocol.Empty{}
	case protocol.TypeDownloadStart:
		// Hold events until the reply is out: the extension learns the job id first.
		s.pump.pause()
		defer s.pump.resume()
		res, err = s.downloadStart(req.Payload)
	case protocol.TypeJobsList:
		res, err = s.jobsList(req.Payload)
	case protocol.TypeJobCancel:
		res, err = s.jobCancel(req.Payload)
	case protocol.TypeSettingsGet:
		res, err = s.settingsGet()
	case protocol.TypeSettingsSet:
		res, err = s.settingsSet(req.Payload)
	case "":
		err = protocol.Errorf(protocol.CodeBadRequest, "request has no type")
	default:
		err = &protocol.Error{Code: protocol.CodeUnknownType, Message: protocol.Messages[protocol.CodeUnknownType]}
		s.log.Warn().Str("type", req.Type).Msg("unknown request type")
	}
	s.reply(id, res, err)
}

// decode unmarshals a payload; an error has code bad_request.
func decode(payload json.RawMessage, v any) error {
	if len(payload) == 0 {
		return protocol.Errorf(protocol.CodeBadRequest, "missing payload")
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return protocol.Errorf(protocol.CodeBadRequest, "malformed payload: %w", err)
	}
	return nil
}

func (s *session) settingsDir() (string, error) {
	if s.opts.SettingsDir != "" {
		return s.opts.SettingsDir, nil
	}
	return settings.Dir()
}

func (s *session) loadSettings() (protocol.Settings, error) {
	dir, err := s.settingsDir()
	if err != nil {
		return settings.Defaults(), err
	}
	st, err := settings.Load(dir)
	if err != nil {
		// A damaged file must not stop downloads: run on the defaults, say so in the log.
		s.log.Warn().Err(err).Msg("settings unreadable, using defaults")
	}
	return st, nil
}

func (s *session) downloadStart(payload json.RawMessage) (any, error) {
	var req protocol.DownloadStart
	if err := decode(payload, &req); err != nil {
		return nil, err
	}
	if req.Space == "" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "download.start needs a space")
	}
	if (req.Cookies.AuthToken == "") != (req.Cookies.CT0 == "") { // none at all: a guest
		return nil, protocol.NewError(protocol.CodeAuth, nil)
	}
	st, err := s.loadSettings()
	if err != nil {
		return nil, err
	}
	req.Options = settings.Fill(req.Options, st)
	if req.Options.Format != "m4a" && req.Options.Format != "mp3" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "format must be m4a or mp3, not %q", req.Options.Format)
	}
	if !filepath.IsAbs(req.Options.OutputDir) {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "output folder must be an absolute path, not %q", req.Options.OutputDir)
	}
	id, err := s.d.Start(req)
	if err != nil {
		return nil, err
	}
	s.pump.revive(id)
	s.log.Info().Str("job", id).Str("space", req.Space).Msg("download started")
	return protocol.JobRef{Job: id}, nil
}

func (s *session) jobCancel(payload json.RawMessage) (any, error) {
	var ref protocol.JobRef
	if err := decode(payload, &ref); err != nil {
		return nil, err
	}
	if ref.Job == "" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "job.cancel needs a job")
	}
	if err := s.d.Cancel(ref.Job); err != nil {
		return nil, err
	}
	return protocol.Empty{}, nil
}

func (s *session) settingsGet() (any, error) {
	return s.loadSettings()
}

func (s *session) settingsSet(payload json.RawMessage) (any, error) {
	s.settingsMu.Lock()
	defer s.settingsMu.Unlock()
	dir, err := s.settingsDir()
	if err != nil {
		return nil, protocol.NewError(protocol.CodeDisk, err)
	}
	base, _ := s.loadSettings()
	next, err := settings.Apply(base, payload)
	if err != nil {
		return nil, err
	}
	if err := settings.Save(dir, next); err != nil {
		if protocol.CodeOf(err) == protocol.CodeBadRequest {
			return nil, err
		}
		return nil, protocol.Errorf(protocol.CodeDisk, "save settings: %w", err)
	}
	return next, nil
}

func (s *session) spaceInfo(ctx context.Context, payload json.RawMessage) (any, error) {
	var q protocol.SpaceQuery
	if err := decode(payload, &q); err != nil {
		return nil, err
	}
	if q.Space == "" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "space.info needs a space")
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.SpaceInfoTimeout)
	defer cancel()
	info, err := s.d.SpaceInfo(ctx, q)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && protocol.CodeOf(err) == protocol.CodeInternal {
			return nil, protocol.NewError(protocol.CodeNetwork, err)
		}
		return nil, err
	}
	return info, nil
}

func (s *session) doctor(ctx context.Context, _ json.RawMessage) (any, error) {
	if s.opts.Doctor != nil {
		return s.opts.Doctor(ctx), nil
	}
	// Without an installer report, say what the session itself knows.
	rep := protocol.Doctor{OK: true, Version: s.opts.Version, OS: runtime.GOOS, Browsers: []protocol.DoctorBrowser{}}
	if path, err := merge.FindFFmpeg(s.opts.FFmpeg); err == nil {
		rep.FFmpeg = protocol.DoctorFFmpeg{Found: true, Path: path}
		if v, err := merge.Version(ctx, path); err == nil {
			rep.FFmpeg.Version = v
		}
	} else {
		rep.OK = false
		rep.FFmpeg.Problem = protocol.Messages[protocol.CodeFFmpegMissing]
		rep.Problems = append(rep.Problems, fmt.Sprintf("ffmpeg: %s", rep.FFmpeg.Problem))
	}
	return rep, nil
}
