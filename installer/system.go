package installer

// SystemDir is a folder where a browser family reads native-messaging
// manifests for every user of the machine (Linux). The .deb and .rpm
// packages put a manifest in each; doctor reports the ones it finds.
type SystemDir struct {
	Browser string // for people
	Family  Family
	Dir     string
}

// SystemBinary is where the packages put the host.
const SystemBinary = "/usr/bin/spacekeep"

// SystemDirs are the system-wide manifest folders on Linux. Chrome,
// Chromium and Edge document theirs; Brave and Vivaldi read the folder of
// their own /etc/opt tree. Firefox reads /usr/lib/mozilla and, on
// distributions with a lib64 layout (Fedora, openSUSE), /usr/lib64/mozilla.
var SystemDirs = []SystemDir{
	{Browser: "Google Chrome", Family: Chromium, Dir: "/etc/opt/chrome/native-messaging-hosts"},
	{Browser: "Chromium", Family: Chromium, Dir: "/etc/chromium/native-messaging-hosts"},
	{Browser: "Microsoft Edge", Family: Chromium, Dir: "/etc/opt/edge/native-messaging-hosts"},
	{Browser: "Brave", Family: Chromium, Dir: "/etc/opt/brave.com/brave/native-messaging-hosts"},
	{Browser: "Vivaldi", Family: Chromium, Dir: "/etc/opt/vivaldi/native-messaging-hosts"},
	{Browser: "Firefox", Family: Firefox, Dir: "/usr/lib/mozilla/native-messaging-hosts"},
	{Browser: "Firefox", Family: Firefox, Dir: "/usr/lib64/mozilla/native-messaging-hosts"},
}
