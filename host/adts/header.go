package adts

// Header is what an MP4 muxer needs from an ADTS frame header: the
// AudioSpecificConfig fields and where the raw AAC payload starts.
type Header struct {
	ObjectType      int // MPEG-4 audio object type: ADTS profile + 1 (2 = AAC-LC)
	SampleRateIndex int // sampling_frequency_index
	SampleRate      int // Hz
	Channels        int // channel_configuration
	HeaderLen       int // 7, or 9 with a CRC
	Length          int // the whole frame, header included
	Blocks          int // raw data blocks in the frame (1-4)
}

// ParseHeader reads the ADTS header at b[0:]; ok is false unless it is a
// valid header (see parseADTS). The frame may extend beyond b.
func ParseHeader(b []byte) (h Header, ok bool) {
	p, ok := parseADTS(b)
	if !ok {
		return h, false
	}
	h = Header{
		ObjectType:      int(b[2]>>6) + 1,
		SampleRateIndex: int(b[2]>>2) & 0x0F,
		SampleRate:      p.sampleRate,
		Channels:        int(b[2]&0x01)<<2 | int(b[3]>>6),
		HeaderLen:       7,
		Length:          p.length,
		Blocks:          p.blocks,
	}
	if b[1]&0x01 == 0 {
		h.HeaderLen = 9
	}
	if h.Length <= h.HeaderLen {
		return h, false
	}
	return h, true
}
