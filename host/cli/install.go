package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/installer"
)

// InstallOptions are `install` and `uninstall`'s.
type InstallOptions struct {
	Env  *Env
	Opts installer.Options
	Home string
	JSON bool
}

func installFlags(cmd *cobra.Command, o *InstallOptions) {
	f := cmd.Flags()
	f.StringSliceVar(&o.Opts.Browsers, "browser", nil, "only this `browser` (repeatable or comma list): chrome, chrome-beta, chrome-dev, chromium, brave, edge, vivaldi, opera, firefox, librewolf, waterfox")
	f.StringArrayVar(&o.Opts.ProfileDirs, "profile-dir", nil, "also register in this Chromium --user-data-dir `folder` (repeatable)")
	f.BoolVar(&o.Opts.DryRun, "dry-run", false, "print what would be done, change nothing")
	f.StringVar(&o.Home, "home", "", "use this `folder` instead of your home folder (also for the XDG defaults and the binary copy)")
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON on stdout")
}

// NewCmdInstall is `spacekeep install`.
func NewCmdInstall(env *Env, runF func(*InstallOptions) error) *cobra.Command {
	o := &InstallOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "install [flags]",
		Short: "Register spacekeep with your browsers (per user, no root)",
		Long: `Copy this binary to your user's program folder and register it as the native-messaging
host of the spacekeep extension with every browser found (Chrome, Chromium, Brave, Edge,
Vivaldi, Opera, Firefox, LibreWolf, Waterfox). No root is needed; 'spacekeep uninstall'
removes exactly what this wrote.`,
		Example: `  spacekeep install
  spacekeep install --dry-run
  spacekeep install --browser firefox,chromium`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(installRun(o))
		},
	}
	installFlags(cmd, o)
	return cmd
}

// NewCmdUninstall is `spacekeep uninstall`.
func NewCmdUninstall(env *Env, runF func(*InstallOptions) error) *cobra.Command {
	o := &InstallOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "uninstall [flags]",
		Short: "Remove what install wrote",
		Long:  "Remove the host manifests and the binary copy that 'spacekeep install' wrote, and nothing else.",
		Example: `  spacekeep uninstall
  spacekeep uninstall --dry-run --browser chrome`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(uninstallRun(o))
		},
	}
	installFlags(cmd, o)
	return cmd
}

// installerEnv describes this machine to the installer; home overrides the
// home folder and then the XDG and Windows folders derive from it.
func installerEnv(env *Env, home string) (installer.Env, error) {
	e, err := installer.FromOS(home, env.Getenv)
	e.Version = Version
	e.LogFile = logFilePath(env)
	return e, err
}

func installRun(f *InstallOptions) int {
	env := f.Env
	ie, err := installerEnv(env, f.Home)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep install: %v\n", err)
		return exitError
	}
	ie.Out = env.Stdout
	if f.JSON {
		ie.Out = io.Discard
	}
	st, err := installer.Install(ie, f.Opts)
	if f.JSON {
		json.NewEncoder(env.Stdout).Encode(st)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep install: %v\n", err)
		return exitError
	}
	if !f.Opts.DryRun && !f.JSON {
		fmt.Fprintln(env.Stdout, "Done. Restart the browser (or reload the spacekeep extension) to use it.")
	}
	return exitOK
}

func uninstallRun(f *InstallOptions) int {
	env := f.Env
	ie, err := installerEnv(env, f.Home)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep uninstall: %v\n", err)
		return exitError
	}
	ie.Out = env.Stdout
	if err := installer.Uninstall(ie, f.Opts); err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep uninstall: %v\n", err)
		return exitError
	}
	return exitOK
}
