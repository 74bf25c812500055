module github.com/spacekeep/spacekeep

go 1.26.8

require (
	github.com/Eyevinn/mp4ff v0.50.0
	github.com/grafov/m3u8 v0.12.1
	github.com/kardianos/service v1.3.0
	github.com/mattn/go-isatty v0.0.20
	github.com/rs/zerolog v1.35.1
	golang.org/x/sys v0.49.0
)

require github.com/mattn/go-colorable v0.1.14 // indirect
