#!/usr/bin/env bash
# The nrc grid rows on a lent GPU machine (one H200, 16 cores, Python 3.12 with torch and
# transformers already there), as run through the device tool. Not part of the tests.
#
# Before calling it, on this machine (both folders ignored by .git/info/exclude):
#   .whl/      wheels of what the GPU image lacks: viennarna==2.8.0 biopython==1.88
#              rapidfuzz==3.14.6 (pip download --platform manylinux... --python-version 3.12)
#   .devdata/  datasets/ (a copy of the mirror's nrc, nrc-original and tgm2-selex folders)
#              and foldcache/ (LAB_FOLD_CACHE with the nrc folds, so no GPU time is spent folding)
# Usage (device tool, carry .whl and .devdata): bash benchmarks/gpu_nrc.sh PHASE
# Every results file is written into $OUT after every cell (what a killed run leaves comes back).
set -uo pipefail
phase=${1:?phase}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
root=$PWD
export PYTHONPATH=/tmp/site:$root:$root/benchmarks PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
export CORPORA_MIRROR=$root/.devdata/datasets LAB_FOLD_CACHE=$root/.devdata/foldcache
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
nvidia-smi -L
nrc() { timeout --signal=INT "${LIMIT:-520}" python3 benchmarks/nrc.py --seeds 0,1,2 --threads 1 \
        --results "${RES:-$OUT}" "$@"; }
mkdir -p /tmp/prefold; python3 benchmarks/nrc.py --prefold --cells length-logreg --results /tmp/prefold \
    --results-name prefold > "$OUT/prefold.log" 2>&1 || { tail "$OUT/prefold.log"; exit 1; }
case $phase in
  baseline)  # issue 20's plain rows and issue 21's structure tokenizers, default recipe
    s=scratch; m=mean
    learned="kmer6/$m/$s,bpe:1024/$m/$s,bpe:256/$m/$s,unigram:256/$m/$s,unigram:1024/$m/$s"
    struct=""
    for t in struct-bpe struct-bpe@hairpin struct-unigram struct-unigram@hairpin struct-alphabet hairpin-vocab; do
      for v in 256 1024; do struct+="${t%@*}:$v${t#${t%@*}}/$m/$s,"; done
    done
    nrc --cells "$learned,${struct}length-logreg,kmer-logreg:6" --tag default --jobs 13 \
        --results-name nrc_gpu --work /tmp/w1 > "$OUT/baseline.log" 2>&1 &
    nrc --arch albert --cells "kmer6/$m/$s,bpe:1024/$m/$s" --tag albert --jobs 3 \
        --results-name nrc_gpu_albert --work /tmp/w2 > "$OUT/albert.log" 2>&1 &
    wait
    tail -n 5 "$OUT"/*.log ;;
  levers)  # structure as model input on 6-mers (issue 21) and two learned-vocabulary levers
           # (issue 20), against the plain rows of the baseline phase
    k=kmer6/mean/scratch; b=bpe:1024/mean/scratch; export RES=/tmp/res; mkdir -p $RES
    nrc --cells $k --set structure_bias='"pairs"' --tag bias-pairs --jobs 3 \
        --results-name nrc_gpu2_a --work /tmp/w1 > /tmp/a.log 2>&1 &
    nrc --cells $k --set structure_bias='"pairs"' --set structure_shuffle=true \
        --tag bias-pairs-shuffled --jobs 3 --results-name nrc_gpu2_b --work /tmp/w2 > /tmp/b.log 2>&1 &
    nrc --cells $k --set structure_channel=true --tag loop-channel --jobs 3 \
        --results-name nrc_gpu2_c --work /tmp/w3 > /tmp/c.log 2>&1 &
    nrc --cells $b --set kmer_channel=6 --tag kmer-channel6 --jobs 3 \
        --results-name nrc_gpu2_d --work /tmp/w4 > /tmp/d.log 2>&1 &
    nrc --cells $b --set segmentation_sampling=0.1 --tag bpe-dropout0.1 --jobs 3 \
        --results-name nrc_gpu2_e --work /tmp/w5 > /tmp/e.log 2>&1 &
    wait
    cp $RES/*.json "$OUT"/; tail -n 4 /tmp/?.log > "$OUT/levers.log"; cat "$OUT/levers.log" ;;
  structure6)  # issue 21's rows still missing on 6-mers (3 seeds each; prepared, not yet run):
               # bias (MFE pairs, pair probabilities) and loop channel, each with its shuffled
               # control. The bpp rows read the pair probabilities that the CPU rows put in
               # .devdata/foldcache (nrc.py --prefold --set structure_bias='"bpp"').
    k=kmer6/mean/scratch; export RES=/tmp/res; mkdir -p $RES; i=0
    for v in 'pairs:bias-pairs' 'bpp:bias-bpp'; do
      for sh in false true; do
        i=$((i+1)); tag=${v#*:}; [ $sh = true ] && tag+=-shuffled
        nrc --cells $k --set structure_bias="\"${v%%:*}\"" --set structure_shuffle=$sh \
            --tag $tag --jobs 3 --results-name nrc_gpu3_$i --work /tmp/w$i > /tmp/$i.log 2>&1 &
      done
    done
    for sh in false true; do
      i=$((i+1)); tag=loop-channel; [ $sh = true ] && tag+=-shuffled
      nrc --cells $k --set structure_channel=true --set structure_shuffle=$sh --tag $tag \
          --jobs 3 --results-name nrc_gpu3_$i --work /tmp/w$i > /tmp/$i.log 2>&1 &
    done
    wait
    cp $RES/*.json "$OUT"/; tail -n 3 /tmp/?.log > "$OUT/structure6.log"; cat "$OUT/structure6.log" ;;
  seed2)  # seed 2 of the ten structure-tokenizer rows that have seeds 0-1 (prepared, not yet run)
    export RES=/tmp/res; mkdir -p $RES; cells=""
    for t in struct-bpe@hairpin struct-unigram struct-unigram@hairpin struct-alphabet hairpin-vocab; do
      for v in 256 1024; do cells+="${t%@*}:$v${t#${t%@*}}/mean/scratch,"; done
    done
    timeout --signal=INT "${LIMIT:-520}" python3 benchmarks/nrc.py --seeds 2 --threads 1 \
        --results $RES --cells "${cells%,}" --tag default --jobs 10 --results-name nrc_gpu4 \
        --work /tmp/w1 > /tmp/seed2.log 2>&1
    cp $RES/*.json "$OUT"/; tail -n 12 /tmp/seed2.log ;;
  *) echo "unknown phase $phase"; exit 2 ;;
esac
