module github.com/spacekeep/spacekeep

go 1.26.8

require (
	github.com/grafov/m3u8 v0.12.1 // indirect
	github.com/kardianos/service v1.3.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/rs/zerolog v1.35.1 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
