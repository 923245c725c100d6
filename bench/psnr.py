#!/usr/bin/python3
"""PSNR of 256x256 gray outputs against the Lanczos reference, per implementation.

Uses psnr() and ssim() from ../shared/bench/quality.py (imported by path) so the
figures mean exactly what RESULTS.md's quality table means: reference = Pillow full
decode, convert('L'), resize((256, 256), LANCZOS); outputs are lossless PNGs named
<stem>.png for each good/photo_*.jpg.

    /usr/bin/python3 psnr.py SHARED_BENCH_DIR CORPUS NAME=OUTDIR ...   > quality.tsv
"""
import glob
import os
import sys

import numpy as np
from PIL import Image


def main():
    shared, corpus, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, shared)
    from quality import psnr, ssim  # noqa: E402  (path given at run time)
    files = sorted(glob.glob(os.path.join(corpus, 'good', 'photo_*.jpg')))
    ref = {}
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        ref[stem] = np.asarray(Image.open(f).convert('L').resize((256, 256), Image.Resampling.LANCZOS))
    print('impl\tn\tmean_psnr_db\tmin_psnr_db\tmean_ssim\tpsnr_1200x800\tpsnr_1500x997\tpsnr_2040x1536')
    for pair in pairs:
        name, out = pair.split('=', 1)
        ps, ss, byres = [], [], {}
        for stem, rv in ref.items():
            p = os.path.join(out, stem + '.png')
            if not os.path.exists(p):
                print(f'{name}: no output for {stem}', file=sys.stderr)
                continue
            v = np.asarray(Image.open(p).convert('L'))
            q = psnr(v, rv)
            ps.append(q)
            ss.append(ssim(v, rv))
            byres.setdefault(stem.split('_')[1], []).append(q)
        if not ps:
            print(f'{name}\t0\t-\t-\t-\t-\t-\t-')
            continue
        r = ['%.2f' % np.mean(byres[k]) if k in byres else '-' for k in ('1200x800', '1500x997', '2040x1536')]
        print(f'{name}\t{len(ps)}\t{np.mean(ps):.2f}\t{min(ps):.2f}\t{np.mean(ss):.4f}\t' + '\t'.join(r))


if __name__ == '__main__':
    main()
