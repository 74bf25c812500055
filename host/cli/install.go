package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/spacekeep/spacekeep/installer"
)

// installFlags are shared by install and uninstall.
type installFlags struct {
	opts   installer.Options
	home   string
	asJSON bool
}

func (f *installFlags) set(fs *flag.FlagSet) {
	fs.Func("browser", "only this `browser` (repeatable or comma list): chrome, chrome-beta, chrome-dev, chromium, brave, edge, vivaldi, opera, firefox, librewolf, waterfox", func(s string) error {
		f.opts.Browsers = append(f.opts.Browsers, s)
		return nil
	})
	fs.Func("profile-dir", "also register in this Chromium --user-data-dir `folder` (repeatable)", func(s string) error {
		f.opts.ProfileDirs = append(f.opts.ProfileDirs, s)
		return nil
	})
	fs.BoolVar(&f.opts.DryRun, "dry-run", false, "print what would be done, change nothing")
	fs.StringVar(&f.home, "home", "", "use this `folder` instead of your home folder (also for the XDG defaults and the binary copy)")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON on stdout")
}

func parseInstallFlags(env *Env, name string, args []string) (*installFlags, int, bool) {
	var f installFlags
	fs := flag.NewFlagSet("spacekeep "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f.set(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		return nil, exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "spacekeep %s: unexpected argument %q\n", name, fs.Arg(0))
		return nil, exitUsage, false
	}
	return &f, 0, true
}

// installerEnv describes this machine to the installer; home overrides the
// home folder and then the XDG and Windows folders derive from it.
func installerEnv(env *Env, home string) (installer.Env, error) {
	e, err := installer.FromOS(home, env.Getenv)
	e.Version = Version
	e.LogFile = logFilePath(env)
	return e, err
}

func runInstall(env *Env, args []string) int {
	f, code, ok := parseInstallFlags(env, "install", args)
	if !ok {
		return code
	}
	ie, err := installerEnv(env, f.home)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep install: %v\n", err)
		return exitError
	}
	ie.Out = env.Stdout
	if f.asJSON {
		ie.Out = io.Discard
	}
	st, err := installer.Install(ie, f.opts)
	if f.asJSON {
		json.NewEncoder(env.Stdout).Encode(st)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep install: %v\n", err)
		return exitError
	}
	if !f.opts.DryRun && !f.asJSON {
		fmt.Fprintln(env.Stdout, "Done. Restart the browser (or reload the spacekeep extension) to use it.")
	}
	return exitOK
}

func runUninstall(env *Env, args []string) int {
	f, code, ok := parseInstallFlags(env, "uninstall", args)
	if !ok {
		return code
	}
	ie, err := installerEnv(env, f.home)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep uninstall: %v\n", err)
		return exitError
	}
	ie.Out = env.Stdout
	if err := installer.Uninstall(ie, f.opts); err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep uninstall: %v\n", err)
		return exitError
	}
	return exitOK
}
