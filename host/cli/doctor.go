package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/installer"
	"github.com/spacekeep/spacekeep/protocol"
)

// DoctorOptions is `doctor`.
type DoctorOptions struct {
	Env  *Env
	Home string
	JSON bool
}

// NewCmdDoctor is `spacekeep doctor`.
func NewCmdDoctor(env *Env, runF func(*DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{Env: env}
	cmd := &cobra.Command{
		Use:   "doctor [flags]",
		Short: "Check the browser registration and ffmpeg (for mp3)",
		Long:  "Check that each browser found can start spacekeep (its manifest, the binary it names, the extension it allows) and whether ffmpeg is there for mp3; say what to do about each problem. Exits 1 when something is wrong.",
		Example: `  spacekeep doctor
  spacekeep doctor --json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return status(doctorRun(o))
		},
	}
	cmd.Flags().StringVar(&o.Home, "home", "", "check this `folder` instead of your home folder")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the report as JSON (the native host's doctor answer)")
	return cmd
}

func doctorRun(o *DoctorOptions) int {
	env := o.Env
	ie, err := installerEnv(env, o.Home)
	if err != nil {
		fmt.Fprintf(env.Stderr, "spacekeep doctor: %v\n", err)
		return exitError
	}
	rep := installer.Doctor(env.Ctx, ie)
	if o.JSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		printDoctor(env.Stdout, rep, serviceSummary(env))
	}
	if !rep.OK {
		return exitError
	}
	return exitOK
}

// printDoctor says the report in plain words, one line per browser found,
// and svc, the line on the background service.
func printDoctor(w io.Writer, rep protocol.Doctor, svc string) {
	fmt.Fprintf(w, "spacekeep %s on %s\n", rep.Version, rep.OS)
	if rep.Executable != "" {
		fmt.Fprintf(w, "Installed host: %s\n", rep.Executable)
	} else {
		fmt.Fprintln(w, "Installed host: none (run 'spacekeep install')")
	}
	var absent []string
	for _, b := range rep.Browsers {
		switch {
		case !b.Found && !b.Registered:
			absent = append(absent, b.Name) // one line for all of them, below
		case b.Problem != "":
			fmt.Fprintf(w, "%s: %s\n", b.Name, b.Problem)
		default:
			fmt.Fprintf(w, "%s: ok (%s)\n", b.Name, b.Manifest)
		}
	}
	if len(absent) > 0 {
		fmt.Fprintf(w, "Also looked for (not on this computer): %s\n", strings.Join(absent, ", "))
	}
	switch {
	case rep.FFmpeg.Problem != "":
		fmt.Fprintf(w, "ffmpeg: %s\n", rep.FFmpeg.Problem)
	default:
		fmt.Fprintf(w, "ffmpeg: %s (%s), used for mp3 only\n", rep.FFmpeg.Path, rep.FFmpeg.Version)
	}
	if svc != "" {
		fmt.Fprintf(w, "Background service: %s\n", svc)
	}
	if rep.LogFile != "" {
		fmt.Fprintf(w, "Log file: %s\n", rep.LogFile)
	}
	if rep.OK {
		fmt.Fprintln(w, "All is well.")
		return
	}
	fmt.Fprintf(w, "%d problem(s):\n", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}
