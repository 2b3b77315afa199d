// Command pngshrink re-encodes screenshots for docs/img/ losslessly and
// small: a palette when the image has at most 256 colours, the best zlib
// level always. Usage: go run ./scripts/pngshrink IN.png OUT.png
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pngshrink IN.png OUT.png")
		os.Exit(2)
	}
	if err := shrink(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "pngshrink:", err)
		os.Exit(1)
	}
}

func shrink(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return err
	}
	if p := paletted(img); p != nil {
		img = p
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, img); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// paletted returns img with a palette of its own colours, or nil when it
// has more than 256.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	index := map[color.NRGBA]uint8{}
	var pal color.Palette
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if _, ok := index[c]; !ok {
				if len(pal) == 256 {
					return nil
				}
				index[c] = uint8(len(pal))
				pal = append(pal, c)
			}
		}
	}
	p := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p.SetColorIndex(x, y, index[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)])
		}
	}
	return p
}
