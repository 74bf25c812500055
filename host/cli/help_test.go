package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// walk calls fn for every visible command under c.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	for _, s := range c.Commands() {
		if s.Hidden || s.Name() == "__complete" || s.Name() == "__completeNoDesc" {
			continue
		}
		fn(s)
		walk(s, fn)
	}
}

// Every command's --help says what it does, shows examples and documents
// each of its flags (long and short), on stdout with exit 0.
func TestEveryCommandHelpDocumentsFlagsAndExamples(t *testing.T) {
	serviceTestEnv(t)
	root := NewCmdRoot(&Env{Ctx: context.Background(), Getenv: os.Getenv})
	n := 0
	walk(root, func(c *cobra.Command) {
		n++
		path := strings.Fields(c.CommandPath())[1:]
		code, out, errs := runCmd(context.Background(), nil, append(path, "--help")...)
		if code != exitOK || errs != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.CommandPath(), code, errs)
			return
		}
		for _, want := range []string{"Usage:", "Examples:", "  spacekeep " + strings.Join(path[:1], " ")} {
			if !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q:\n%s", c.CommandPath(), want, out)
			}
		}
		if c.Long == "" {
			t.Errorf("%s has no Long text", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if !strings.Contains(out, "--"+f.Name) || (f.Shorthand != "" && !strings.Contains(out, "-"+f.Shorthand+", --"+f.Name)) {
				t.Errorf("%s --help does not document --%s (-%s):\n%s", c.CommandPath(), f.Name, f.Shorthand, out)
			}
			if f.Usage == "" {
				t.Errorf("%s --%s has no words", c.CommandPath(), f.Name)
			}
		})
	})
	if n < 25 {
		t.Errorf("only %d commands walked", n)
	}
	// The top level groups its commands and lists the exit codes.
	_, out, _ := runCmd(context.Background(), nil, "--help")
	for _, want := range []string{"Keeping Spaces:", "Setting up:", "Exit codes:", "17   incomplete", "130  cancelled", "  download "} {
		if !strings.Contains(out, want) {
			t.Errorf("spacekeep --help lacks %q:\n%s", want, out)
		}
	}
}

// `help <command>` is that command's help, not the top level's.
func TestHelpCommand(t *testing.T) {
	code, out, _ := runCmd(context.Background(), nil, "help", "download")
	if code != exitOK || !strings.Contains(out, "--batch-file") || !strings.Contains(out, "spacekeep download [flags]") {
		t.Fatalf("help download: %d\n%s", code, out)
	}
	code, out, _ = runCmd(context.Background(), nil, "help", "library", "search")
	if code != exitOK || !strings.Contains(out, "spacekeep library search [flags] <words>") {
		t.Fatalf("help library search: %d\n%s", code, out)
	}
}

func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-V"}, {"version"}} {
		code, out, _ := runCmd(context.Background(), nil, args...)
		if code != exitOK || !strings.HasPrefix(out, "spacekeep "+Version+" (commit ") || !strings.Contains(out, "go1.") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
}

// Usage errors say what is wrong in one line, point to the help, exit 2,
// and print no usage dump.
func TestUsageErrors(t *testing.T) {
	serviceTestEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"download"}, "download needs a Space URL or id"},
		{[]string{"download", "-x", "1OyKAWgagpqJb"}, "unknown shorthand flag: 'x'"},
		{[]string{"download", "--format", "ogg", "1OyKAWgagpqJb"}, "--format must be m4a or mp3"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"library", "show"}, "needs one Space URL or id"},
		{[]string{"library", "lsit"}, `did you mean list?`},
		{[]string{"library", "list", "--since", "someday"}, "--since"},
		{[]string{"watch", "add"}, "needs at least one @handle"},
		{[]string{"watch", "add", "@a", "--search", "rust"}, "hosts or --search, not both"},
		{[]string{"watch", "add", "--min-listeners", "5", "@a"}, "go with --search"},
		{[]string{"search"}, "search needs the words"},
		{[]string{"search", "--live", "--upcoming", "rust"}, "[live upcoming]"},
		{[]string{"download", "--cookies", "c.txt", "--cookies-from-browser", "firefox", "1OyKAWgagpqJb"}, "[cookies cookies-from-browser]"},
	} {
		code, out, errs := runCmd(context.Background(), nil, tc.args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "--help' for usage") || strings.Contains(errs, "Flags:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, code, out, errs)
		}
	}
}

// The bash completion script loads, and completes subcommands.
func TestCompletionLoadsInBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed for this test")
	}
	code, out, errs := runCmd(context.Background(), nil, "completion", "bash")
	if code != exitOK {
		t.Fatalf("completion bash: %d %s", code, errs)
	}
	script := filepath.Join(t.TempDir(), "spacekeep.bash")
	os.WriteFile(script, []byte(out), 0o600)
	got, err := exec.Command(bash, "-c", "source "+script+" && complete -p spacekeep").CombinedOutput()
	if err != nil || !strings.Contains(string(got), "spacekeep") {
		t.Fatalf("complete -p: %v %s", err, got)
	}
	for _, sh := range []string{"zsh", "fish", "powershell"} {
		if code, out, _ := runCmd(context.Background(), nil, "completion", sh); code != exitOK || !strings.Contains(out, "spacekeep") {
			t.Errorf("completion %s: %d", sh, code)
		}
	}
	// What the script asks the binary: the subcommands of library.
	_, out, _ = runCmd(context.Background(), nil, "__complete", "library", "")
	for _, want := range []string{"list", "search", "show", "remove"} {
		if !strings.Contains(out, want) {
			t.Errorf("completing 'library ': %q lacks %s", out, want)
		}
	}
}
