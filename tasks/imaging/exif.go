package imaging

import (
	"encoding/binary"
	"io"
)

// The EXIF reader below reads one tag, Orientation (0x0112), from IFD0 of a
// TIFF-structured block: the payload of a JPEG APP1 "Exif" segment, a PNG
// eXIf chunk, a WebP EXIF chunk, or a TIFF file itself. That is all the
// pipeline needs, so a full EXIF library (and its dependencies) is not
// worth carrying; see doc.go.

const tagOrientation = 0x0112

// tiffOrientation returns the Orientation tag of the TIFF structure that
// starts at offset base of r (limit bytes long), or 1 when it is absent or
// unreadable. Broken metadata never rejects an image: Pillow ignores it too.
func tiffOrientation(r io.ReaderAt, base, limit int64) int {
	var hdr [8]byte
	if limit < 8 {
		return 1
	}
	if _, err := r.ReadAt(hdr[:], base); err != nil {
		return 1
	}
	var bo binary.ByteOrder
	switch string(hdr[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1 // BigTIFF and anything else: no orientation
	}
	ifd := int64(bo.Uint32(hdr[4:]))
	if ifd < 8 || ifd+2 > limit {
		return 1
	}
	var cnt [2]byte
	if _, err := r.ReadAt(cnt[:], base+ifd); err != nil {
		return 1
	}
	n := int64(bo.Uint16(cnt[:]))
	if ifd+2+n*12 > limit {
		n = (limit - ifd - 2) / 12
	}
	var e [12]byte
	for i := int64(0); i < n; i++ {
		if _, err := r.ReadAt(e[:], base+ifd+2+i*12); err != nil {
			return 1
		}
		if bo.Uint16(e[0:]) != tagOrientation {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the first two bytes of
		// the value field. Writers that use LONG (4) exist; accept them.
		var v uint32
		switch bo.Uint16(e[2:]) {
		case 3:
			v = uint32(bo.Uint16(e[8:]))
		case 4:
			v = bo.Uint32(e[8:])
		default:
			return 1
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}

// jpegOrientation walks the JPEG marker segments up to the first SOS and
// reads the first APP1 Exif segment.
func jpegOrientation(r io.ReaderAt, size int64) int {
	off := int64(2) // after SOI
	var m [4]byte
	for off+4 <= size {
		if _, err := r.ReadAt(m[:], off); err != nil {
			return 1
		}
		if m[0] != 0xFF {
			return 1
		}
		marker := m[1]
		if marker == 0xFF { // fill byte
			off++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // SOS, EOI: no metadata after this
			return 1
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) { // no length
			off += 2
			continue
		}
		segLen := int64(binary.BigEndian.Uint16(m[2:]))
		if segLen < 2 {
			return 1
		}
		if marker == 0xE1 && segLen >= 2+6+8 {
			var id [6]byte
			if _, err := r.ReadAt(id[:], off+4); err == nil && string(id[:]) == "Exif\x00\x00" {
				return tiffOrientation(r, off+10, min(segLen-8, size-off-10))
			}
		}
		off += 2 + segLen
	}
	return 1
}

// pngOrientation reads an eXIf chunk that comes before IDAT (Pillow reads it
// there too without decoding pixels).
func pngOrientation(r io.ReaderAt, size int64) int {
	off := int64(8)
	var h [8]byte
	for off+8 <= size {
		if _, err := r.ReadAt(h[:], off); err != nil {
			return 1
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		switch string(h[4:8]) {
		case "eXIf":
			return tiffOrientation(r, off+8, min(n, size-off-8))
		case "IDAT", "IEND":
			return 1
		}
		off += 12 + n
	}
	return 1
}
