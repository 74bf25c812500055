package protocol

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestProtocolMDCodeTable checks that the code table in PROTOCOL.md says
// the same messages and exit codes as the Go tables.
func TestProtocolMDCodeTable(t *testing.T) {
	doc, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes {
		row := fmt.Sprintf("| `%s` | %s | %d |", c, Messages[c], ExitCodes[c])
		if !strings.Contains(string(doc), row) {
			t.Errorf("PROTOCOL.md lacks the row\n%s", row)
		}
	}
}
