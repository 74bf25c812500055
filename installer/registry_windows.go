//go:build windows

package installer

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

type hkcu struct{}

func systemRegistry() Registry { return hkcu{} }

func (hkcu) SetDefault(key, value string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, key, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`create HKCU\%s: %w`, key, err)
	}
	defer k.Close()
	if err := k.SetStringValue("", value); err != nil {
		return fmt.Errorf(`set HKCU\%s: %w`, key, err)
	}
	return nil
}

func (hkcu) Default(key string) (string, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, key, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", fmt.Errorf(`HKCU\%s: %w`, key, ErrNoKey)
	}
	if err != nil {
		return "", fmt.Errorf(`open HKCU\%s: %w`, key, err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if err != nil {
		return "", fmt.Errorf(`read HKCU\%s: %w`, key, err)
	}
	return v, nil
}

func (hkcu) Delete(key string) error {
	err := registry.DeleteKey(registry.CURRENT_USER, key)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf(`delete HKCU\%s: %w`, key, err)
	}
	return nil
}
