package cli

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/record"
)

// engineConfig is what differs between the modes that run jobs (download,
// the native host, the service, watch run); everything else the engine
// needs comes from the environment, the same for all of them.
type engineConfig struct {
	Log zerolog.Logger
	// Secret registers a value (a cookie) the logs must mask.
	Secret func(string)
	// FFmpeg is a command's --ffmpeg flag; empty means $SPACEKEEP_FFMPEG,
	// else the one on PATH.
	FFmpeg string
	// Owner names this process in another's "busy" message.
	Owner string
	// WaitForCache waits for another process's download of the same Space
	// (then finds it kept) instead of failing with code busy.
	WaitForCache bool
	// Force fetches a Space even when it is already kept.
	Force bool
}

// newEngine is the one constructor of the job engine: every mode gets the
// same parts (API and chat bases, the cache and its lock, the library's
// hook and its knowledge of what is kept, the logger), so that no mode can
// silently lack one.
func newEngine(env *Env, c engineConfig) (*job.Manager, error) {
	cache, err := cacheRoot(env)
	if err != nil {
		return nil, err
	}
	return job.NewManager(job.Config{
		APIBase:      env.Getenv("SPACEKEEP_API_BASE"),
		ChatBase:     env.Getenv("SPACEKEEP_CHAT_BASE"),
		FFmpeg:       ffmpegOf(env, c.FFmpeg),
		CacheDir:     cache,
		Secret:       c.Secret,
		Log:          c.Log,
		Owner:        c.Owner,
		WaitForCache: c.WaitForCache,
		Force:        c.Force,
		OnDone:       libraryHook(env, c.Log),
		Kept:         libraryKept(env),
	}), nil
}

// newDriver builds the job engine for the native host and the service.
// The popup cannot wait for another process's download of the same Space:
// it says so at once (code busy), naming that one.
func newDriver(c driverConfig) (job.Driver, error) {
	return newEngine(c.Env, engineConfig{Log: c.Log, Secret: c.Secret, Owner: "spacekeep for the browser"})
}

// ffmpegOf is the ffmpeg a command was told to use: its flag, else
// $SPACEKEEP_FFMPEG; empty means the one on PATH.
func ffmpegOf(env *Env, flag string) string {
	if flag != "" {
		return flag
	}
	return env.Getenv("SPACEKEEP_FFMPEG")
}

// libraryKept tells the engine where the library says a Space is kept.
// A library that cannot be read knows nothing: the download goes on.
func libraryKept(env *Env) job.KeptFunc {
	return func(ctx context.Context, spaceID string) []string {
		path, err := library.Path(env.Getenv)
		if err != nil {
			return nil
		}
		if _, err := os.Stat(path); err != nil {
			return nil // no library yet: do not create one to ask it
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		l, err := library.Open(ctx, path)
		if err != nil {
			return nil
		}
		defer l.Close()
		files, err := l.Files(ctx, spaceID)
		if err != nil {
			return nil
		}
		return files
	}
}

// libraryHook adds every finished download to the library. It prefers the
// info JSON written beside the audio, the fuller record, to what the job
// knows. A library failure is logged and never fails the download.
func libraryHook(env *Env, log zerolog.Logger) job.OnDone {
	var mu sync.Mutex // one writer per process is plenty; others queue in SQLite
	return func(rec *record.Record, dir string) {
		for _, f := range rec.Files {
			if f.Kind != record.KindInfo {
				continue
			}
			if fh, err := os.Open(filepath.Join(dir, f.Name)); err == nil {
				if full, err := record.Decode(fh); err == nil && full.ID == rec.ID {
					library.AddInfoFile(full, f.Name)
					if len(full.Files) == 1 { // a record that lists no audio yet
						full.Files = append(rec.Files[:1:1], full.Files...)
					}
					rec = full
				}
				fh.Close()
			}
		}
		mu.Lock()
		defer mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		l, err := openLibrary(&Env{Ctx: ctx, Getenv: env.Getenv})
		if err == nil {
			err = l.Add(ctx, rec, dir)
			l.Close()
		}
		if err != nil {
			log.Warn().Err(err).Str("space", rec.ID).Msg("could not add the Space to the library (the download is kept)")
			return
		}
		log.Debug().Str("space", rec.ID).Msg("added to the library")
	}
}
