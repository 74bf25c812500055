//go:build !windows

package installer

import "fmt"

// noRegistry stands in where there is no registry: reads find nothing and
// writes fail, so a Windows layout tested elsewhere needs a fake Registry.
type noRegistry struct{}

func systemRegistry() Registry { return noRegistry{} }

func (noRegistry) SetDefault(key, _ string) error {
	return fmt.Errorf("no registry here to set %s", key)
}
func (noRegistry) Default(key string) (string, error) {
	return "", fmt.Errorf("%s: %w", key, ErrNoKey)
}
func (noRegistry) Delete(string) error { return nil }
