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
// Support), {localappdata}, {appdata}.
type Place struct {
	// ManifestDir holds our manifest; empty on Windows, where the registry
	// points at a manifest in our own folder.
	ManifestDir string
	// FoundDir exists when the browser is installed (has been run).
	FoundDir string
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
		"linux":   {ManifestDir: "{config}/google-chrome/NativeMessagingHosts", FoundDir: "{config}/google-chrome"},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome"},
		"windows": {FoundDir: `{localappdata}\Google\Chrome\User Data`, RegistryKey: chromeKey},
	}},
	{ID: "chrome-beta", Name: "Google Chrome Beta", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/google-chrome-beta/NativeMessagingHosts", FoundDir: "{config}/google-chrome-beta"},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome Beta/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome Beta"},
		"windows": {FoundDir: `{localappdata}\Google\Chrome Beta\User Data`, RegistryKey: chromeKey},
	}},
	{ID: "chrome-dev", Name: "Google Chrome Dev", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/google-chrome-unstable/NativeMessagingHosts", FoundDir: "{config}/google-chrome-unstable"},
		"darwin":  {ManifestDir: "{appsupport}/Google/Chrome Dev/NativeMessagingHosts", FoundDir: "{appsupport}/Google/Chrome Dev"},
		"windows": {FoundDir: `{localappdata}\Google\Chrome Dev\User Data`, RegistryKey: chromeKey},
	}},
	{ID: "chromium", Name: "Chromium", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/chromium/NativeMessagingHosts", FoundDir: "{config}/chromium"},
		"darwin":  {ManifestDir: "{appsupport}/Chromium/NativeMessagingHosts", FoundDir: "{appsupport}/Chromium"},
		"windows": {FoundDir: `{localappdata}\Chromium\User Data`, RegistryKey: `Software\Chromium\NativeMessagingHosts\`},
	}},
	{ID: "brave", Name: "Brave", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/BraveSoftware/Brave-Browser/NativeMessagingHosts", FoundDir: "{config}/BraveSoftware/Brave-Browser"},
		"darwin":  {ManifestDir: "{appsupport}/BraveSoftware/Brave-Browser/NativeMessagingHosts", FoundDir: "{appsupport}/BraveSoftware/Brave-Browser"},
		"windows": {FoundDir: `{localappdata}\BraveSoftware\Brave-Browser\User Data`, RegistryKey: `Software\BraveSoftware\Brave-Browser\NativeMessagingHosts\`},
	}},
	{ID: "edge", Name: "Microsoft Edge", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/microsoft-edge/NativeMessagingHosts", FoundDir: "{config}/microsoft-edge"},
		"darwin":  {ManifestDir: "{appsupport}/Microsoft Edge/NativeMessagingHosts", FoundDir: "{appsupport}/Microsoft Edge"},
		"windows": {FoundDir: `{localappdata}\Microsoft\Edge\User Data`, RegistryKey: `Software\Microsoft\Edge\NativeMessagingHosts\`},
	}},
	{ID: "vivaldi", Name: "Vivaldi", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/vivaldi/NativeMessagingHosts", FoundDir: "{config}/vivaldi"},
		"darwin":  {ManifestDir: "{appsupport}/Vivaldi/NativeMessagingHosts", FoundDir: "{appsupport}/Vivaldi"},
		"windows": {FoundDir: `{localappdata}\Vivaldi\User Data`, RegistryKey: `Software\Vivaldi\NativeMessagingHosts\`},
	}},
	{ID: "opera", Name: "Opera", Family: Chromium, Places: map[string]Place{
		"linux":   {ManifestDir: "{config}/opera/NativeMessagingHosts", FoundDir: "{config}/opera"},
		"darwin":  {ManifestDir: "{appsupport}/com.operasoftware.Opera/NativeMessagingHosts", FoundDir: "{appsupport}/com.operasoftware.Opera"},
		"windows": {FoundDir: `{appdata}\Opera Software\Opera Stable`, RegistryKey: chromeKey},
	}},
	{ID: "firefox", Name: "Firefox", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.mozilla/native-messaging-hosts", FoundDir: "{home}/.mozilla"},
		"darwin":  {ManifestDir: "{appsupport}/Mozilla/NativeMessagingHosts", FoundDir: "{appsupport}/Firefox"},
		"windows": {FoundDir: `{appdata}\Mozilla\Firefox`, RegistryKey: mozillaKey},
	}},
	{ID: "librewolf", Name: "LibreWolf", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.librewolf/native-messaging-hosts", FoundDir: "{home}/.librewolf"},
		"darwin":  {ManifestDir: "{appsupport}/LibreWolf/NativeMessagingHosts", FoundDir: "{appsupport}/librewolf"},
		"windows": {FoundDir: `{appdata}\librewolf`, RegistryKey: mozillaKey},
	}},
	{ID: "waterfox", Name: "Waterfox", Family: Firefox, Places: map[string]Place{
		"linux":   {ManifestDir: "{home}/.waterfox/native-messaging-hosts", FoundDir: "{home}/.waterfox"},
		"darwin":  {ManifestDir: "{appsupport}/Waterfox/NativeMessagingHosts", FoundDir: "{appsupport}/Waterfox"},
		"windows": {FoundDir: `{appdata}\Waterfox`, RegistryKey: mozillaKey},
	}},
}
