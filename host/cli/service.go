package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"

	kservice "github.com/kardianos/service"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/host/service"
)

// NewCmdService is `spacekeep service` and its actions.
func NewCmdService(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "service <command>",
		Short: "The optional background service: install, uninstall, start, stop, status, run",
		Long: `The background service owns the downloads, so closing the browser stops nothing: the
spacekeep the browser starts then only relays to it. It also watches the hosts on the
watch list. It runs as your user (a systemd user unit, a launchd agent).`,
		Example: `  spacekeep service install
  spacekeep service status`,
	}
	groupOf(cmd)
	actions := []struct{ name, short, example string }{
		{"install", "Install it for your user (systemd user unit, launchd agent) and start it", "  spacekeep service install"},
		{"uninstall", "Stop it and remove it", "  spacekeep service uninstall"},
		{"start", "Start it", "  spacekeep service start"},
		{"stop", "Stop it (running downloads stop; they resume when started again)", "  spacekeep service stop"},
		{"status", "Say whether it is installed and running, and where its socket is", "  spacekeep service status"},
		{"run", "Run it in the foreground (what the unit starts)", "  spacekeep service run"},
	}
	for _, a := range actions {
		cmd.AddCommand(&cobra.Command{
			Use: a.name, Short: a.short, Long: a.short + ".", Example: a.example, Args: noArgs,
			RunE: func(*cobra.Command, []string) error { return status(serviceAction(env, a.name)) },
		})
	}
	return cmd
}

func serviceAction(env *Env, action string) int {
	sock, err := service.SocketFrom(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep service: %v\n", err)
		return exitError
	}
	switch action {
	case "run":
		return serviceRun(env, sock)
	case "status":
		return serviceStatus(env, sock)
	}
	return serviceControl(env, action)
}

// serviceUnsupported says why no service manager can run the service for
// this user, or "": then a service.UserStarter does (serviceFallback).
func serviceUnsupported(env *Env, s kservice.Service) string {
	switch {
	case env.Getenv(service.EnvManager) == "none":
		return service.EnvManager + " is none"
	case runtime.GOOS == "windows":
		return "kardianos/service installs only administrator services on Windows"
	case runtime.GOOS == "linux" && s.Platform() != "linux-systemd":
		return "no systemd user manager was found"
	}
	return ""
}

// serviceExe is the binary the service runs: the copy 'spacekeep install'
// made for the browsers when there is one, so that both run the same
// version, else this binary.
func serviceExe(env *Env) (string, error) {
	if ie, err := installerEnv(env, ""); err == nil {
		if fi, err := os.Stat(ie.BinaryPath()); err == nil && fi.Mode().IsRegular() {
			return ie.BinaryPath(), nil
		}
	}
	return os.Executable()
}

func newKService(env *Env, p kservice.Interface, opts map[string]any) (kservice.Service, string, error) {
	exe, err := serviceExe(env)
	if err != nil {
		return nil, "", err
	}
	cfg := service.Config(exe, nil)
	for k, v := range opts {
		cfg.Option[k] = v
	}
	s, err := kservice.New(p, cfg)
	return s, exe, err
}

func serviceControl(env *Env, action string) int {
	s, exe, err := newKService(env, &serviceProgram{}, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep service %s: %v\n", action, err)
		return exitError
	}
	if serviceUnsupported(env, s) != "" {
		return serviceFallback(env, action, exe)
	}
	fail := func(err error) int {
		fmt.Fprintf(env.Stderr, "spacekeep service %s: %v\n", action, err)
		return exitError
	}
	switch action {
	case "install":
		if err := s.Install(); err != nil {
			return fail(err)
		}
		if err := s.Start(); err != nil {
			return fail(fmt.Errorf("installed, but it did not start: %w", err))
		}
		fmt.Fprintf(env.Stdout, "Installed and started the background service (%s, runs %s).\n", s.Platform(), exe)
		fmt.Fprintln(env.Stdout, "Closing the browser no longer stops downloads. 'spacekeep service uninstall' removes it.")
	case "uninstall":
		s.Stop() // it may not be running
		if err := s.Uninstall(); err != nil {
			return fail(err)
		}
		fmt.Fprintln(env.Stdout, "Stopped and removed the background service. The browser runs the downloads again (closing it stops them).")
	case "start":
		if err := s.Start(); err != nil {
			return fail(err)
		}
		fmt.Fprintln(env.Stdout, "Started the background service.")
	case "stop":
		if err := s.Stop(); err != nil {
			return fail(err)
		}
		fmt.Fprintln(env.Stdout, "Stopped the background service (running downloads stopped; they resume when started again).")
	}
	return exitOK
}

// serviceStatus prints plain words: running, stopped or not installed, and
// whether something answers on the socket.
func serviceStatus(env *Env, sock string) int {
	answering := "not answering"
	if c, err := service.Dial(sock); err == nil {
		c.Close()
		answering = "answering"
	}
	state := "not installed"
	s, _, err := newKService(env, &serviceProgram{}, nil)
	if err != nil {
		state = "unknown (" + err.Error() + ")"
	} else if serviceUnsupported(env, s) != "" {
		state = fallbackState(env)
	} else {
		st, err := s.Status()
		switch {
		case errors.Is(err, kservice.ErrNotInstalled):
		case err != nil:
			state = "unknown (" + err.Error() + ")"
		case st == kservice.StatusRunning:
			state = "running"
		case st == kservice.StatusStopped:
			state = "stopped"
		}
	}
	fmt.Fprintf(env.Stdout, "service: %s\n", state)
	fmt.Fprintf(env.Stdout, "socket: %s (%s)\n", sock, answering)
	return exitOK
}

// serviceRun runs the service in the foreground until a signal (env.Ctx) or
// the service manager stops it.
func serviceRun(env *Env, sock string) int {
	log, closeLog, secret := openLog(env, true, "service")
	defer closeLog()
	p := &serviceProgram{env: env, log: log, secret: secret, sock: sock, died: make(chan struct{})}
	s, _, err := newKService(env, p, map[string]any{"RunWait": func() {
		select {
		case <-env.Ctx.Done():
		case <-p.died:
		}
	}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep service run: %v\n", err)
		return exitError
	}
	if err := s.Run(); err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep service run: %v\n", err)
		return exitError
	}
	if p.err != nil {
		log.Error().Err(p.err).Msg("the service failed")
		return exitError
	}
	return exitOK
}

// serviceProgram is kardianos's view of the service: Start opens the socket
// and serves it with a job engine built as the native host's; Stop ends it,
// cancelling running jobs (their cache stays for resume).
type serviceProgram struct {
	env    *Env
	log    zerolog.Logger
	secret func(string)
	sock   string

	cancel context.CancelFunc
	died   chan struct{} // closed when Serve returned
	err    error         // Serve's error, read after died
}

func (p *serviceProgram) Start(kservice.Service) error {
	ln, err := service.Listen(p.sock)
	if err != nil {
		return err
	}
	d, err := buildDriver(p.env, p.log, p.secret)
	if err != nil {
		ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.log.Info().Str("socket", p.sock).Str("version", Version).Msg("service started")
	opts := sessionOptions(p.env, p.log)
	opts.Watch = startWatcher(ctx, p.env, d, p.log, p.secret, "service")
	go func() {
		p.err = service.Serve(ctx, ln, d, opts)
		close(p.died)
	}()
	return nil
}

func (p *serviceProgram) Stop(kservice.Service) error {
	if p.cancel != nil {
		p.cancel()
		<-p.died
	}
	return nil
}

// dialService connects to a running background service, or returns nil:
// then the native host runs the jobs itself. refused says why a socket
// that is there was not used (not ours alone, see service.DialChecked).
func dialService(env *Env) (conn net.Conn, sock string, refused error) {
	if env.Getenv(service.EnvNoService) == "1" {
		return nil, "", nil
	}
	sock, err := service.SocketFrom(env.Getenv)
	if err != nil {
		return nil, "", nil
	}
	c, err := service.DialChecked(sock)
	if errors.Is(err, service.ErrNotOurs) {
		return nil, sock, err
	} else if err != nil {
		return nil, "", nil // no service: the usual case, nothing to say
	}
	return c, sock, nil
}

// serviceFallback runs the service without a service manager: the user's
// login starts it (service.UserStarter: an XDG autostart entry, the HKCU
// Run key on Windows), and install and start launch it now.
func serviceFallback(env *Env, action, exe string) int {
	st := service.UserStarter(env.Getenv)
	sock, _ := service.SocketFrom(env.Getenv)
	fail := func(err error) int {
		fmt.Fprintf(env.Stderr, "spacekeep service %s: %v\n", action, err)
		return exitError
	}
	launch := func() error {
		if c, err := service.Dial(sock); err == nil {
			c.Close()
			return nil // already running
		}
		return service.Launch(exe)
	}
	switch action {
	case "install":
		if err := st.Install(exe); err != nil {
			return fail(err)
		}
		if err := launch(); err != nil {
			return fail(fmt.Errorf("installed, but it did not start: %w", err))
		}
		fmt.Fprintf(env.Stdout, "Installed the %s: your login starts the background service (it runs %s). Started it now.\n", st.Kind(), exe)
		if runtime.GOOS != "windows" {
			fmt.Fprintf(env.Stdout, "If your session does not run autostart entries (no desktop, WSL), put this line in its startup (~/.profile):\n  %s\n", service.StartupCommand(exe))
		}
		fmt.Fprintln(env.Stdout, "Closing the browser no longer stops downloads. 'spacekeep service uninstall' removes it.")
	case "uninstall":
		if err := st.Uninstall(); err != nil {
			return fail(err)
		}
		fmt.Fprintf(env.Stdout, "Removed the %s.\n", st.Kind())
		return serviceFallbackStop(env, sock)
	case "start":
		if err := launch(); err != nil {
			return fail(err)
		}
		fmt.Fprintln(env.Stdout, "Started the background service.")
	case "stop":
		return serviceFallbackStop(env, sock)
	}
	return exitOK
}

// serviceFallbackStop ends a service no service manager started.
func serviceFallbackStop(env *Env, sock string) int {
	c, err := service.Dial(sock)
	if err != nil {
		fmt.Fprintln(env.Stdout, "The background service is not running.")
		return exitOK
	}
	c.Close()
	pid, err := service.ServicePID(sock)
	if err == nil {
		var p *os.Process
		if p, err = os.FindProcess(pid); err == nil {
			err = p.Signal(os.Interrupt)
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep service stop: %v; end the 'spacekeep service run' process yourself (Task Manager on Windows).\n", err)
		return exitError
	}
	fmt.Fprintln(env.Stdout, "Stopped the background service (running downloads stopped; they resume when started again).")
	return exitOK
}

// fallbackState is the status line of a service without a service manager.
func fallbackState(env *Env) string {
	st := service.UserStarter(env.Getenv)
	if st.Installed() {
		return "started at login by the " + st.Kind()
	}
	return "not installed ('spacekeep service install' adds an " + st.Kind() + ")"
}

// serviceSummary is doctor's line on the background service: what starts
// it, and whether it answers now.
func serviceSummary(env *Env) string {
	running := "not running"
	if sock, err := service.SocketFrom(env.Getenv); err == nil {
		if c, err := service.Dial(sock); err == nil {
			c.Close()
			running = "running"
		}
	}
	notInstalled := "not installed (optional: 'spacekeep service install' keeps downloads going when the browser closes)"
	if running == "running" {
		notInstalled = "not installed, but one is running (started by hand)"
	}
	s, _, err := newKService(env, &serviceProgram{}, nil)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	if serviceUnsupported(env, s) != "" {
		if st := service.UserStarter(env.Getenv); st.Installed() {
			return "started at login by the " + st.Kind() + " (" + running + ")"
		}
		return notInstalled
	}
	if _, err := s.Status(); errors.Is(err, kservice.ErrNotInstalled) {
		return notInstalled
	} else if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return s.Platform() + " (" + running + ")"
}
