package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spacekeep/spacekeep/protocol"
)

// Command groups of the top-level help.
const (
	groupKeep  = "keep"
	groupSetup = "setup"
	groupOther = "other"
)

// execute builds the command tree and runs args (without the program name).
func execute(env *Env, args []string) int {
	root := NewCmdRoot(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(env.Ctx)
	path := "spacekeep"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return exitCodeOf(env, path, err)
}

// NewCmdRoot is the spacekeep command and every subcommand under it.
func NewCmdRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "spacekeep <command> [flags]",
		Short: "Keep X Spaces: the audio, who spoke when, the captions, and a library to search them",
		Long: `spacekeep keeps X (Twitter) Spaces: the audio as an m4a (or mp3) file with speaker
chapters, X's captions as .vtt and .txt, and a record of the Space (<name>.info.json),
all indexed in a library you can search.

Started by the spacekeep browser extension it is that extension's helper; started by
you it is this command line.`,
		Example: `  spacekeep download https://x.com/i/spaces/1OyKAWgagpqJb
  spacekeep download -o ~/Spaces -a spaces.txt
  spacekeep library search "rust lifetimes"
  spacekeep help download`,
		Version:       versionLine(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			c.SetOut(env.Stderr)
			c.Usage()
			return exitStatus(exitUsage)
		},
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.Flags().BoolP("version", "V", false, "print the version, the commit and the Go version")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err: err} })
	root.AddGroup(
		&cobra.Group{ID: groupKeep, Title: "Keeping Spaces:"},
		&cobra.Group{ID: groupSetup, Title: "Setting up:"},
		&cobra.Group{ID: groupOther, Title: "Other commands:"},
	)
	add := func(group string, cs ...*cobra.Command) {
		for _, c := range cs {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add(groupKeep, NewCmdDownload(env, nil), NewCmdLibrary(env), NewCmdSearch(env, nil), NewCmdWatch(env))
	add(groupSetup, NewCmdInstall(env, nil), NewCmdUninstall(env, nil), NewCmdDoctor(env, nil), NewCmdService(env))
	add(groupOther, NewCmdVersion(env))
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			explainCompletion(c)
		}
		if c.Name() == "help" {
			c.Example = "  spacekeep help download\n  spacekeep help library search"
		}
	}
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(), "{{if .HasHelpSubCommands}}",
		"{{if not .HasParent}}\n\n"+exitCodeTable()+"{{end}}{{if .HasHelpSubCommands}}", 1))
	return root
}

// explainCompletion gives cobra's completion commands examples.
func explainCompletion(c *cobra.Command) {
	c.Example = `  source <(spacekeep completion bash)
  spacekeep completion zsh > "${fpath[1]}/_spacekeep"
  spacekeep completion fish > ~/.config/fish/completions/spacekeep.fish
  spacekeep completion powershell | Out-String | Invoke-Expression`
	for _, s := range c.Commands() {
		s.Example = "  spacekeep completion " + s.Name() + " > spacekeep." + s.Name()
	}
}

// exitCodeTable lists the exit statuses scripts can tell apart.
func exitCodeTable() string {
	byCode := map[int][]string{
		0:                       {"done: every file complete (or already kept)"},
		2:                       {"usage: a bad flag or argument"},
		protocol.ExitIncomplete: {"incomplete: the file is kept, but audio is missing (see the warnings)"},
	}
	for _, c := range protocol.Codes {
		n := protocol.ExitCodes[c]
		if n == 2 && c != protocol.CodeBadRequest {
			continue
		}
		byCode[n] = append(byCode[n], string(c))
	}
	nums := make([]int, 0, len(byCode))
	for n := range byCode {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	var b strings.Builder
	b.WriteString("Exit codes:")
	for _, n := range nums {
		fmt.Fprintf(&b, "\n  %-4d %s", n, strings.Join(byCode[n], ", "))
	}
	return b.String()
}

// versionLine says which build this is: version, commit, Go.
func versionLine() string {
	commit := Commit
	if commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					commit = s.Value[:12]
				}
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	return fmt.Sprintf("spacekeep %s (commit %s, %s, %s/%s, protocol %d)", Version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, protocol.Version)
}

// noArgs, exactArgs: cobra's checks, worded as usage errors.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("%s needs %s", c.CommandPath(), what)
		}
		if len(args) > n {
			return FlagErrorf("%s takes %s, got %d arguments: %s", c.CommandPath(), what, len(args), strings.Join(args, " "))
		}
		return nil
	}
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("%s takes no arguments, got %q", c.CommandPath(), args[0])
	}
	return nil
}

// groupOf makes cmd, a command that only holds subcommands, a usage error
// when run alone (its help on stderr, exit 2) or with an unknown
// subcommand; cobra would print the help and exit 0.
func groupOf(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.SuggestionsMinimumDistance = 2
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, ", "))
			}
			return FlagErrorf("%s", msg)
		}
		c.SetOut(c.ErrOrStderr())
		c.Usage()
		return exitStatus(exitUsage)
	}
	return cmd
}
