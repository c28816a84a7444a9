#!/usr/bin/env bash
# The two summaries of the nrc grid rows, from the results files that benchmarks/nrc.py wrote
# (benchmarks/gpu_nrc.sh on the lent GPU: nrc_gpu*, and this machine's CPU: nrc_cpu_*):
#   nrc_learned.md   issue 20: learned vocabularies and their levers against overlapping 6-mers
#   nrc_structure.md issue 21: structure tokenizers, structure as model input, controls
# Each comparison pairs runs of one machine (GPU rows with GPU rows, CPU rows with CPU rows),
# except the four marked across machines (CPU lever rows against the GPU 6-mer row).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-../.venv/bin/python}
source ./nrc_summaries_text.sh  # the paragraphs around the tables (LEARNED_*, STRUCTURE_*)
D=/mean/scratch
g=default
k=kmer6$D/$g

learned=(
  "bpe:1024$D/$g=$k" "bpe:256$D/$g=$k" "unigram:1024$D/$g=$k" "unigram:256$D/$g=$k"
  "bpe:1024$D/kmer-channel6=$k" "bpe:1024$D/bpe-dropout0.1=$k"
  "bpe:1024$D/kmer-channel6=bpe:1024$D/$g" "bpe:1024$D/bpe-dropout0.1=bpe:1024$D/$g"
  "kmer6$D/albert=$k" "bpe:1024$D/albert=bpe:1024$D/$g"
  "kmer-logreg:6/$g=$k"
)
# the levers run on the CPU machine, each against its plain CPU row of the same tokenizer
b=bpe:1024$D; u=unigram:1024$D
learned+=(
  "$u/sampling2-cpu=$u/plain-cpu" "$u/sampling2-cpu-ts8=$u/sampling2-cpu"
  "$b/bpe-dropout0.1-cpu=$b/plain-cpu" "$b/bpe-dropout0.1-cpu-ts8=$b/bpe-dropout0.1-cpu"
  "$b/crop0.1-cpu=$b/plain-cpu" "bpe:1024+nrc-original+tgm2-selex$D/plain-cpu=$b/plain-cpu"
  "$b/kmer-channel6-dropout0.1-cpu=$b/plain-cpu"
  "$b/kmer-channel6-loop-channel-dropout0.1-cpu=$b/kmer-channel6-dropout0.1-cpu"
  "$u/kmer-channel6-sampling2-cpu=$u/sampling2-cpu"
  "$u/kmer-channel6-sampling2-cpu-ts8=$u/kmer-channel6-sampling2-cpu"
)
# across machines (CPU lever rows against the GPU 6-mer row; see the notes)
learned+=("$b/kmer-channel6-dropout0.1-cpu=$k" "$b/kmer-channel6-loop-channel-dropout0.1-cpu=$k"
          "$u/sampling2-cpu-ts8=$k" "$u/kmer-channel6-sampling2-cpu-ts8=$k")
args=(); for c in "${learned[@]}"; do args+=(--compare "$c"); done
$PY nrc_compare.py nrc_gpu --merge nrc_gpu_albert --merge nrc_gpu2_d --merge nrc_gpu2_e \
    --merge nrc_cpu_b --merge nrc_cpu_d --merge nrc_cpu_e --merge nrc_cpu_f \
    --out nrc_learned "${args[@]}" \
    --title "nrc: learned vocabularies against overlapping 6-mers (issue 20)" \
    --intro "$LEARNED_INTRO" --notes "$LEARNED_NOTES"

structure=()
for t in struct-bpe struct-bpe@hairpin struct-alphabet hairpin-vocab; do
  for v in 256 1024; do structure+=("${t%@*}:$v${t#${t%@*}}$D/$g=bpe:$v$D/$g"); done
done
for t in struct-unigram struct-unigram@hairpin; do
  for v in 256 1024; do structure+=("${t%@*}:$v${t#${t%@*}}$D/$g=unigram:$v$D/$g"); done
done
b=bpe:1024$D
structure+=(
  "$b/bias-pairs-cpu=$b/plain-cpu" "$b/bias-pairs-cpu=$b/bias-pairs-shuffled-cpu"
  "$b/loop-channel-cpu=$b/plain-cpu" "$b/loop-channel-cpu=$b/loop-channel-shuffled-cpu"
  "$b/bias-bpp-cpu=$b/plain-cpu" "$b/bias-bpp-cpu=$b/bias-bpp-shuffled-cpu"
  "kmer6$D/loop-channel=$k" "kmer6$D/loop-channel=kmer6$D/loop-channel-shuffled"
  "kmer6$D/bias-pairs=$k" "kmer6$D/bias-pairs=kmer6$D/bias-pairs-shuffled"
  "kmer6$D/bias-bpp=$k" "kmer6$D/bias-bpp=kmer6$D/bias-bpp-shuffled"
  "length-logreg/$g=$k"
)
# the GPU phases structure6 and seed2 of gpu_nrc.sh, where they have run
more=(); for f in results/nrc_gpu3_*.json results/nrc_gpu4.json; do
  [ -f "$f" ] && more+=(--merge "$(basename "$f" .json)")
done
args=(); for c in "${structure[@]}"; do args+=(--compare "$c"); done
$PY nrc_compare.py nrc_gpu --merge nrc_gpu2_c --merge nrc_cpu_a --merge nrc_cpu_b --merge nrc_cpu_c --merge nrc_cpu_d \
    --merge nrc_cpu_e "${more[@]}" \
    --out nrc_structure "${args[@]}" \
    --title "nrc: RNA structure as tokens and as model input, with controls (issue 21)" \
    --intro "$STRUCTURE_INTRO" --notes "$STRUCTURE_NOTES"
