package installer

import "errors"

// Registry is the part of the Windows registry (HKEY_CURRENT_USER) the
// installer uses: a key's default value holds a manifest's path.
type Registry interface {
	// SetDefault creates key and sets its default value.
	SetDefault(key, value string) error
	// Default reads key's default value; the error wraps ErrNoKey when key is missing.
	Default(key string) (string, error)
	// Delete removes key; a missing key is not an error.
	Delete(key string) error
}

// ErrNoKey is wrapped by Registry.Default for a missing key.
var ErrNoKey = errors.New("no such registry key")

func (e Env) registry() Registry {
	if e.Registry != nil {
		return e.Registry
	}
	return systemRegistry()
}
