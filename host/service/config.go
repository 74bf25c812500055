package service

import (
	kservice "github.com/kardianos/service"
)

// Name is the service's name for systemd, launchd and Windows.
const Name = "spacekeep"

// RunArgs are the arguments the service manager starts the binary with.
var RunArgs = []string{"service", "run"}

// systemdUnit is our own user unit, in kardianos's template syntax (keys
// without dots, see its package doc). Its built-in template says
// WantedBy=multi-user.target, a target a user manager never reaches, so the
// unit would never start at login; a user unit has no User= either.
const systemdUnit = `[Unit]
Description={{Description}}
ConditionFileIsExecutable={{Path | cmdEscape}}

[Service]
ExecStart={{Path | cmdEscape}}{{range Arguments}} {{. | cmdEscape}}{{end}}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=default.target
`

// Config is the kardianos configuration of the per-user service: exe is
// the spacekeep binary, args its arguments (nil means RunArgs). On Linux it
// installs a systemd user unit (~/.config/systemd/user/spacekeep.service),
// on macOS a launchd agent (~/Library/LaunchAgents/spacekeep.plist) started
// at login and restarted if it dies. Windows is not covered: kardianos
// installs only real (administrator) services there.
func Config(exe string, args []string) *kservice.Config {
	if args == nil {
		args = RunArgs
	}
	return &kservice.Config{
		Name:        Name,
		DisplayName: "spacekeep",
		Description: "spacekeep background downloads of X Spaces (keeps running when the browser closes)",
		Executable:  exe,
		Arguments:   append([]string(nil), args...),
		Option: kservice.KeyValue{
			"UserService":   true,
			"SystemdScript": systemdUnit,
			"RunAtLoad":     true,
			"KeepAlive":     true,
		},
	}
}
