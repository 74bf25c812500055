package installer

// Family tells which manifest a browser reads.
type Family string

// The two manifest families.
const (
	Chromium Family = "chromium" // allowed_origins
	Firefox  Family = "firefox"  // allowed_extensions
)

// Place is where one browser looks for native-messaging hosts on one OS.
// Paths start with a root in braces, expanded from the Env:
// {home}, {config} ($XDG_CONFIG_HOME), {appsupport} (~/Library/Application
// Support), {localappdata}, {appdata}, {programfiles}, {programfilesx86}.
type Place struct {
	// ManifestDir holds our manifest; empty on Windows, where the registry
	// points at a manifest in our own folder.
	ManifestDir string
	// FoundDir exists when the browser has been run.
	FoundDir string
	// Programs find a browser that was installed but never started: names
	// looked up on PATH, or absolute paths (with a root in braces).
	Programs []string
	// RegistryKey is the HKCU key whose default value is the manifest's path (Windows).
	RegistryKey string
}

// Browser is one browser the installer knows.
type Browser struct {
	ID     string // for --browser: chrome, chrome-beta, …
	Name   string // for people
	Family Family
	Places map[string]Place // by GOOS
}

const (
	chromeKey  = `Software\Google\Chrome\NativeMessagingHosts\`
	mozillaKey = `Software\Mozilla\NativeMessagingHosts\`
)

// Browsers is the table of known browsers. Chrome's channels share one
// Windows registry key, and Opera reads Chrome's; the Firefox forks read
// Mozilla's key.
var Browsers = []Browser{
	{ID: "chrome", Name: "Google Chrome", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/google-chrome/NativeMessagingHosts", FoundDir: "{config}/google-chrome", Programs: []string{"google-chrome", "google-chrome-stable", "/opt/google/chrome/chrome"}},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome", Programs: []string{"/Applications/Google Chrome.app", "{home}/Applications/Google Chrome.app"}},
		"windows": {FoundDir: `{localappdata}\Google\Chrome\User Data`, RegistryKey: chromeKey, Programs: []string{`{programfiles}\Google\Chrome\Application\chrome.exe`, `{programfilesx86}\Google\Chrome\Application\chrome.exe`, `{localappdata}\Google\Chrome\Application\chrome.exe`}},
	}},
	{ID: "chrome-beta", Name: "Google Chrome Beta", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/google-chrome-beta/NativeMessagingHosts", FoundDir: "{config}/google-chrome-beta", Programs: []string{"google-chrome-beta", "/opt/google/chrome-beta/chrome"}},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome Beta/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome Beta", Programs: []string{"/Applications/Google Chrome Beta.app"}},
		"windows": {FoundDir: `{localappdata}\Google\Chrome Beta\User Data`, RegistryKey: chromeKey, Programs: []string{`{programfiles}\Google\Chrome Beta\Application\chrome.exe`, `{localappdata}\Google\Chrome Beta\Application\chrome.exe`}},
	}},
	{ID: "chrome-dev", Name: "Google Chrome Dev", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/google-chrome-unstable/NativeMessagingHosts", FoundDir: "{config}/google-chrome-unstable", Programs: []string{"google-chrome-unstable", "/opt/google/chrome-unstable/chrome"}},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome Dev/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome Dev", Programs: []string{"/Applications/Google Chrome Dev.app"}},
		"windows": {FoundDir: `{localappdata}\Google\Chrome Dev\User Data`, RegistryKey: chromeKey, Programs: []string{`{programfiles}\Google\Chrome Dev\Application\chrome.exe`, `{localappdata}\Google\Chrome Dev\Application\chrome.exe`}},
	}},
	{ID: "chromium", Name: "Chromium", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/chromium/NativeMessagingHosts", FoundDir: "{config}/chromium", Programs: []string{"chromium", "chromium-browser", "/usr/lib/chromium/chromium", "/usr/lib64/chromium-browser/chromium-browser"}},
		"darwin":  {ManifestDir: "{appsupport}/Chromium/NativeMessagingHosts", FoundDir: "{appsupport}/Chromium", Programs: []string{"/Applications/Chromium.app"}},
		"windows": {FoundDir: `{localappdata}\Chromium\User Data`, RegistryKey: `Software\Chromium\NativeMessagingHosts\`, Programs: []string{`{localappdata}\Chromium\Application\chrome.exe`, `{programfiles}\Chromium\Application\chrome.exe`}},
	}},
	{ID: "brave", Name: "Brave", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/BraveSoftware/Brave-Browser/NativeMessagingHosts", FoundDir: "{config}/BraveSoftware/Brave-Browser", Programs: []string{"brave-browser", "brave", "/opt/brave.com/brave/brave"}},
		"darwin":  {ManifestDir: "{appsupport}/BraveSoftware/Brave-Browser/NativeMessagingHosts", FoundDir: "{appsupport}/BraveSoftware/Brave-Browser", Programs: []string{"/Applications/Brave Browser.app"}},
		"windows": {FoundDir: `{localappdata}\BraveSoftware\Brave-Browser\User Data`, RegistryKey: `Software\BraveSoftware\Brave-Browser\NativeMessagingHosts\`, Programs: []string{`{programfiles}\BraveSoftware\Brave-Browser\Application\brave.exe`, `{localappdata}\BraveSoftware\Brave-Browser\Application\brave.exe`}},
	}},
	{ID: "edge", Name: "Microsoft Edge", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/microsoft-edge/NativeMessagingHosts", FoundDir: "{config}/microsoft-edge", Programs: []string{"microsoft-edge", "microsoft-edge-stable", "/opt/microsoft/msedge/msedge"}},
		"darwin":  {ManifestDir: "{appsupport}/Microsoft Edge/NativeMessagingHosts", FoundDir: "{appsupport}/Microsoft Edge", Programs: []string{"/Applications/Microsoft Edge.app"}},
		"windows": {FoundDir: `{localappdata}\Microsoft\Edge\User Data`, RegistryKey: `Software\Microsoft\Edge\NativeMessagingHosts\`, Programs: []string{`{programfilesx86}\Microsoft\Edge\Application\msedge.exe`, `{programfiles}\Microsoft\Edge\Application\msedge.exe`}},
	}},
	{ID: "vivaldi", Name: "Vivaldi", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/vivaldi/NativeMessagingHosts", FoundDir: "{config}/vivaldi", Programs: []string{"vivaldi", "vivaldi-stable", "/opt/vivaldi/vivaldi"}},
		"darwin":  {ManifestDir: "{appsupport}/Vivaldi/NativeMessagingHosts", FoundDir: "{appsupport}/Vivaldi", Programs: []string{"/Applications/Vivaldi.app"}},
		"windows": {FoundDir: `{localappdata}\Vivaldi\User Data`, RegistryKey: `Software\Vivaldi\NativeMessagingHosts\`, Programs: []string{`{localappdata}\Vivaldi\Application\vivaldi.exe`, `{programfiles}\Vivaldi\Application\vivaldi.exe`}},
	}},
	{ID: "opera", Name: "Opera", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/opera/NativeMessagingHosts", FoundDir: "{config}/opera", Programs: []string{"opera"}},
		"darwin":  {ManifestDir: "{appsupport}/com.operasoftware.Opera/NativeMessagingHosts", FoundDir: "{appsupport}/com.operasoftware.Opera", Programs: []string{"/Applications/Opera.app"}},
		"windows": {FoundDir: `{appdata}\Opera Software\Opera Stable`, RegistryKey: chromeKey, Programs: []string{`{localappdata}\Programs\Opera\opera.exe`, `{programfiles}\Opera\opera.exe`}},
	}},
	{ID: "firefox", Name: "Firefox", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.mozilla/native-messaging-hosts", FoundDir: "{home}/.mozilla", Programs: []string{"firefox", "firefox-esr", "/usr/lib/firefox/firefox", "/usr/lib/firefox-esr/firefox-esr", "/usr/lib64/firefox/firefox"}},
		"darwin":  {ManifestDir: "{appsupport}/Mozilla/NativeMessagingHosts", FoundDir: "{appsupport}/Firefox", Programs: []string{"/Applications/Firefox.app", "{home}/Applications/Firefox.app"}},
		"windows": {FoundDir: `{appdata}\Mozilla\Firefox`, RegistryKey: mozillaKey, Programs: []string{`{programfiles}\Mozilla Firefox\firefox.exe`, `{programfilesx86}\Mozilla Firefox\firefox.exe`}},
	}},
	{ID: "librewolf", Name: "LibreWolf", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.librewolf/native-messaging-hosts", FoundDir: "{home}/.librewolf", Programs: []string{"librewolf", "/usr/lib/librewolf/librewolf"}},
		"darwin":  {ManifestDir: "{appsupport}/LibreWolf/NativeMessagingHosts", FoundDir: "{appsupport}/librewolf", Programs: []string{"/Applications/LibreWolf.app"}},
		"windows": {FoundDir: `{appdata}\librewolf`, RegistryKey: mozillaKey, Programs: []string{`{programfiles}\LibreWolf\librewolf.exe`}},
	}},
	{ID: "waterfox", Name: "Waterfox", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.waterfox/native-messaging-hosts", FoundDir: "{home}/.waterfox", Programs: []string{"waterfox", "/usr/lib/waterfox/waterfox"}},
		"darwin":  {ManifestDir: "{appsupport}/Waterfox/NativeMessagingHosts", FoundDir: "{appsupport}/Waterfox", Programs: []string{"/Applications/Waterfox.app"}},
		"windows": {FoundDir: `{appdata}\Waterfox`, RegistryKey: mozillaKey, Programs: []string{`{programfiles}\Waterfox\waterfox.exe`}},
	}},
}
