#!/usr/bin/python3
"""Tables for bench/run.sh from its TSVs: report.py WORKDIR RUNS."""
import csv
import sys

W, RUNS = sys.argv[1], sys.argv[2]
RES = ('1200x800', '1500x997', '2040x1536')


def rows(name):
    with open(f'{W}/{name}') as f:
        return list(csv.DictReader(f, delimiter='\t'))


t = {}
for r in rows('times.tsv'):
    t[(r['impl'], r['batch'])] = float(r['cpu_s'])
impls = list(dict.fromkeys(r['impl'] for r in rows('times.tsv')))
q = {r['impl']: r for r in rows('quality.tsv')}
big = {(r['impl'], r['batch']): r for r in rows('big.tsv')}


def per_img(i, res):
    return (t[(i, 'r' + res)] - t[(i, 'empty')]) / 20 * 1000


print(f'CPU ms per image on one core (batch of 20, start-up subtracted, mean of {RUNS} runs); '
      'ratio = / pillow_seed (the original handler); PSNR vs Pillow LANCZOS, 14 photos\n')
print('| implementation | start-up ms | ' + ' | '.join(f'ms {r}' for r in RES) + ' | ' +
      ' | '.join(f'ratio {r}' for r in RES) + ' | PSNR mean (min) dB |')
print('|---' * 9 + '|')
for i in impls:
    ms = [per_img(i, r) for r in RES]
    ratio = [per_img(i, r) / per_img('pillow_seed', r) for r in RES]
    qq = q.get(i)
    ps = f"{qq['mean_psnr_db']} ({qq['min_psnr_db']})" if qq else '-'
    print(f"| {i} | {t[(i, 'empty')] * 1000:.0f} | " + ' | '.join(f'{m:.1f}' for m in ms) + ' | ' +
          ' | '.join(f'{x:.3f}' for x in ratio) + f' | {ps} |')
print('\nOne photo per process, one core (start-up included)\n')
print('| implementation | 12 MP cpu ms | 12 MP peak MiB | 24 MP cpu ms | 24 MP peak MiB |')
print('|---|---|---|---|---|')
for i in impls:
    a, b = big.get((i, 'big12')), big.get((i, 'big24'))
    if a and b:
        print(f"| {i} | {float(a['cpu_s']) * 1000:.0f} | {a['peak_mib']} | {float(b['cpu_s']) * 1000:.0f} | {b['peak_mib']} |")
