package cli

import (
	"github.com/spacekeep/spacekeep/host/job"
)

// newDriver builds the job engine for the native host: the same as
// `spacekeep download`'s (cache folder, logging); nmhost fills each
// request's empty options from the saved settings.
func newDriver(c driverConfig) (job.Driver, error) {
	cache, err := cacheRoot(c.Env)
	if err != nil {
		return nil, err
	}
	return job.NewManager(job.Config{
		APIBase:  c.Env.Getenv("SPACEKEEP_API_BASE"),
		ChatBase: c.Env.Getenv("SPACEKEEP_CHAT_BASE"),
		FFmpeg:   ffmpegOf(c.Env, ""),
		CacheDir: cache,
		Secret:   c.Secret,
		Log:      c.Log,
		// The popup cannot wait for another process's download of the
		// same Space: it says so at once (code busy), naming that one.
		Owner:  "spacekeep for the browser",
		OnDone: libraryHook(c.Env, c.Log),
	}), nil
}

// ffmpegOf is the ffmpeg a command was told to use: its flag, else
// $SPACEKEEP_FFMPEG; empty means the one on PATH.
func ffmpegOf(env *Env, flag string) string {
	if flag != "" {
		return flag
	}
	return env.Getenv("SPACEKEEP_FFMPEG")
}
