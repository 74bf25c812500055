package cli

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/nmhost"
	"github.com/spacekeep/spacekeep/host/service"
	"github.com/spacekeep/spacekeep/installer"
	"github.com/spacekeep/spacekeep/protocol"
)

// driverConfig is what the native host hands the job engine's factory.
type driverConfig struct {
	Env *Env
	Log zerolog.Logger
	// Secret registers a value (a cookie) the logs must mask.
	Secret func(string)
}

// runNative is the native-messaging mode: the browser started the binary.
// stdout carries frames only; logs go to stderr and the log file.
func runNative(env *Env, args []string) (code int) {
	caller, err := nativeCaller(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep: %v\n", err)
		return exitError
	}
	log, closeLog, secret := openLog(env, true, "native")
	defer closeLog()
	defer func() {
		if v := recover(); v != nil {
			log.Error().Str("panic", fmt.Sprint(v)).Str("stack", string(debug.Stack())).Msg("native host panicked")
			code = exitError
		}
	}()
	log.Info().Str("caller", caller).Str("version", Version).Msg("native host started")

	// With the background service running, the jobs live there: relay.
	conn, sock, refused := dialService(env)
	if refused != nil {
		log.Warn().Err(refused).Msg("not relaying to the service's socket: running the jobs here")
	}
	if conn != nil {
		log.Info().Str("socket", sock).Msg("relaying to the background service")
		if err := service.Relay(env.Ctx, env.Stdin, env.Stdout, conn); err != nil {
			log.Error().Err(err).Msg("relay ended with an error")
			return exitError
		}
		log.Info().Msg("native host finished (relay)")
		return exitOK
	}

	d, err := buildDriver(env, log, secret)
	if err != nil {
		log.Error().Err(err).Msg("cannot start the job engine")
		d = noDriver{err: err}
	}
	opts := sessionOptions(env, log)
	opts.Watch = startWatcher(env.Ctx, env, d, log, secret, "browser")
	if err := nmhost.Serve(env.Ctx, env.Stdin, env.Stdout, d, opts); err != nil {
		log.Error().Err(err).Msg("native session ended with an error")
		return exitError
	}
	log.Info().Msg("native host finished")
	return exitOK
}

// sessionOptions are the native-messaging session's options, for the
// native host and for the background service's sessions.
func sessionOptions(env *Env, log zerolog.Logger) nmhost.Options {
	logFile := logFilePath(env)
	return nmhost.Options{
		Version: Version,
		Logger:  log,
		Search:  searcher(env, log),
		FFmpeg:  ffmpegOf(env, ""),
		Library: func(ctx context.Context) (*library.Library, error) {
			return openLibrary(&Env{Ctx: ctx, Getenv: env.Getenv})
		},
		Doctor: func(ctx context.Context) protocol.Doctor {
			ie, err := installerEnv(env, "")
			if err != nil {
				return protocol.Doctor{Version: Version, Problems: []string{err.Error()}}
			}
			ie.LogFile = logFile
			return installer.Doctor(ctx, ie)
		},
	}
}

// nativeCaller checks who started us: Chrome passes its extension's origin
// (and --parent-window=N on Windows), Firefox the manifest's path and the
// add-on id. Only our own extension may drive the host.
func nativeCaller(args []string) (string, error) {
	if len(args) == 0 {
		return "", errors.New("no caller given")
	}
	if strings.HasPrefix(args[0], "chrome-extension://") {
		origin := args[0]
		if !strings.HasSuffix(origin, "/") {
			origin += "/"
		}
		if origin != protocol.ChromeOrigin {
			return "", fmt.Errorf("started by the unknown extension %s; only the spacekeep extension (%s) may use this host", args[0], protocol.ChromeOrigin)
		}
		return origin, nil
	}
	if len(args) >= 2 && args[1] == protocol.GeckoID {
		return args[1], nil
	}
	if len(args) >= 2 {
		return "", fmt.Errorf("started by the unknown add-on %q; only the spacekeep add-on (%s) may use this host", args[1], protocol.GeckoID)
	}
	return "", fmt.Errorf("not started by a browser: %q", args[0])
}

func buildDriver(env *Env, log zerolog.Logger, secret func(string)) (job.Driver, error) {
	return newDriver(driverConfig{Env: env, Log: log, Secret: secret})
}

// noDriver stands in when the engine cannot start: every job request fails
// with its reason, the rest of the session still works.
type noDriver struct{ err error }

func (n noDriver) Start(protocol.DownloadStart) (string, error) {
	return "", protocol.NewError(protocol.CodeInternal, n.err)
}
func (n noDriver) Cancel(string) error {
	return protocol.NewError(protocol.CodeUnknownJob, nil)
}
func (noDriver) List() []protocol.JobStatus            { return nil }
func (noDriver) Subscribe(func(protocol.Event)) func() { return func() {} }
func (n noDriver) SpaceInfo(context.Context, protocol.SpaceQuery) (protocol.SpaceInfo, error) {
	return protocol.SpaceInfo{}, protocol.NewError(protocol.CodeInternal, n.err)
}
func (noDriver) Close() {}
