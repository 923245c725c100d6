package s3event

import "testing"

func TestEventKeys(t *testing.T) {
	tests := []struct{ key, encoded string }{
		{"plain.jpg", "plain.jpg"},
		{"dir/sub/photo.png", "dir/sub/photo.png"},
		{"red flower.jpg", "red+flower.jpg"},
		{"a+b.jpg", "a%2Bb.jpg"},
		{"100%.png", "100%25.png"},
		{"per%cent 100%.png", "per%25cent+100%25.png"},
		{"ünï/фото 1.png", "%C3%BCn%C3%AF/%D1%84%D0%BE%D1%82%D0%BE+1.png"},
		{"a=b&c?.png", "a%3Db%26c%3F.png"},
		{"tilde~(1).jpg", "tilde%7E%281%29.jpg"},
		{"star*_-.x", "star*_-.x"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := EncodeEventKey(tt.key); got != tt.encoded {
				t.Errorf("EncodeEventKey(%q): got %q, want %q", tt.key, got, tt.encoded)
			}
			got, err := DecodeEventKey(tt.encoded)
			if err != nil || got != tt.key {
				t.Errorf("DecodeEventKey(%q): got %q, %v, want %q", tt.encoded, got, err, tt.key)
			}
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	for _, in := range []string{"bad%zz.jpg", "trail%", "half%4"} {
		if got, err := DecodeEventKey(in); err == nil {
			t.Errorf("DecodeEventKey(%q): got %q, nil error, want an error", in, got)
		}
	}
}
