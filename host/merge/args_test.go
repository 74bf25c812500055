package merge

import (
	"strings"
	"testing"
)

func TestTagValueIsSafeForExec(t *testing.T) {
	got := tagValue("../../etc/passwd\x00 CON\r\n<>:\"|?* 🎙️ " + strings.Repeat("é", 800) + "\xff")
	if strings.ContainsAny(got, "\x00\r\n") || len(got) > 1000 || !strings.HasPrefix(got, "../../etc/passwd CON <>") {
		t.Fatalf("tagValue = %q", got)
	}
	if !strings.Contains(got, "🎙️") {
		t.Errorf("emoji lost: %q", got)
	}
}
