package protocol

// HostName is the native-messaging host's registered name.
const HostName = "com.spacekeep.host"

// ChromeExtensionID is fixed by the public "key" in extension/manifest.json
// (ChromeExtensionKey); Chrome, Chromium, Edge, Brave, Vivaldi and Opera
// derive the id from it.
const ChromeExtensionID = "efehkolbclmbcjnainpmphlfeomgbhcd"

// ChromeExtensionKey is the public key (base64 DER) in extension/manifest.json.
const ChromeExtensionKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlH0lJFbgM1wRxAEvV70g+Ywj5eA5R4rVpPXjjAsX7AzGo5CH0cEHLqF9+kPoJBdjBKOoIxvjExYmSidAmmndfLTBOAQMxQZxjY3DCNqUm6jPAULSGtx0M5Q9UCwrRRA13sxm+gNL8SEZtU78BYtyIbIONhWlnmkmRBhyGdFi4EjojlLryU11osG1y7D3rPy9KzEwmq4aw3+wHqZuL4PqQrTpeE8aWZNyW/hXsCChy39tTDOmFbJ/xFX4ArtGk3D3hpmKtVpz2pJsYnVbIr+0+xS/dsP1WcAt+2rDpGVlXt7ZdIPJ5VFEM7h7e9oBOQ06LTFJHLUW/cko5JO4SqhVSQIDAQAB"

// GeckoID is the Firefox add-on id (browser_specific_settings.gecko.id).
const GeckoID = "spacekeep@spacekeep.app"

// ChromeOrigin is the origin Chrome passes to the host when our extension starts it.
const ChromeOrigin = "chrome-extension://" + ChromeExtensionID + "/"
