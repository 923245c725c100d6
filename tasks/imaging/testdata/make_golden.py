#!/usr/bin/python3
"""Write the Pillow reference outputs the imaging tests compare against.

For every file in the shared good/ set this saves
ImageOps.exif_transpose(im).convert('L').resize((256, 256)) as an 8-bit gray PNG
named <input file name>.png in testdata/golden/ (repo root), and the exact
resampler fixtures in tasks/imaging/testdata/resample/. That is the seed
handler's chain plus EXIF orientation; Pillow 9.4's resize default filter is
BICUBIC with its support widened by the downscale factor.

The same chain with resize((256, 256), Image.LANCZOS) goes to
testdata/golden/lanczos/: the quality reference of the benchmark
(../shared/bench/quality.py) and of imaging.Resize's default filter.

Run from the repo root:
    /usr/bin/python3 tasks/imaging/testdata/make_golden.py [../shared/testimages/good]
"""
import os
import sys

import PIL
from PIL import Image, ImageOps


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "testimages", "good")
    dst = os.path.join("testdata", "golden")
    os.makedirs(os.path.join(dst, "lanczos"), exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.endswith(".md"):
            continue
        with Image.open(os.path.join(src, name)) as im:
            gray = ImageOps.exif_transpose(im).convert("L")
            gray.resize((256, 256)).save(os.path.join(dst, name + ".png"), optimize=True)
            gray.resize((256, 256), Image.LANCZOS).save(os.path.join(dst, "lanczos", name + ".png"), optimize=True)
        print(name, im.mode, im.size, file=sys.stderr)
    resample_fixtures(src)
    print("Pillow", PIL.__version__, file=sys.stderr)


def resample_fixtures(src_dir):
    """Pillow resize outputs of one gray image, for the exact resampler test.

    The source is a 301x203 crop of photo_1500x997_seeding.jpg (CC0-1.0),
    converted to L. Each case is saved as resample/<w>x<h>[_box].png (BICUBIC)
    and resample/lanczos_<w>x<h>[_box].png (LANCZOS); the box case is what
    Resize's "fill" mode computes for a 100x100 box.
    """
    out = os.path.join("tasks", "imaging", "testdata", "resample")
    os.makedirs(out, exist_ok=True)
    with Image.open(os.path.join(src_dir, "photo_1500x997_seeding.jpg")) as im:
        g = im.convert("L").crop((600, 400, 901, 603))
    g.save(os.path.join(out, "src.png"))
    for size in [(256, 256), (97, 61), (640, 480), (301, 50), (7, 203), (1, 1)]:
        g.resize(size).save(os.path.join(out, "%dx%d.png" % size))
        g.resize(size, Image.LANCZOS).save(os.path.join(out, "lanczos_%dx%d.png" % size))
    # fill 100x100: crop the centre 203x203 square of the 301x203 source
    x0 = (301 - 203) / 2
    g.resize((100, 100), box=(x0, 0, x0 + 203, 203)).save(os.path.join(out, "100x100_fill.png"))
    g.resize((100, 100), Image.LANCZOS, box=(x0, 0, x0 + 203, 203)).save(os.path.join(out, "lanczos_100x100_fill.png"))


if __name__ == "__main__":
    main()
